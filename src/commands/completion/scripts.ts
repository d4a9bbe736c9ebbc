/**
 * The completion scripts, rendered from the command tree (spec.ts). Commands, subcommands, flags and
 * flag choices are written into the script; task aliases are asked at completion time from the
 * hidden `__complete-tasks` command, which reads the deployment's state (no Mesos request).
 */
import type { CompletionFlag, CompletionSpec } from './spec.js';

const words = (list: Iterable<string>): string => [...new Set(list)].join(' ');
const flagNames = (flags: readonly CompletionFlag[]): string => words(flags.flatMap((flag) => flag.names));

/** The bash function; zsh runs the same one through bashcompinit (so no `path`: zsh ties it to PATH). */
function bashFunction(spec: CompletionSpec): string {
  const name = `_${spec.program.replace(/[^A-Za-z0-9]/g, '_')}`;
  const valueFlags = words(
    [...spec.globalFlags, ...spec.commands.flatMap((command) => command.flags)]
      .filter((flag) => flag.takesValue)
      .flatMap((flag) => flag.names),
  );
  const topLevel = words(spec.commands.map((command) => command.path.split(' ')[0]!));
  const groups = new Map<string, string[]>();
  for (const command of spec.commands) {
    const [group, sub] = command.path.split(' ');
    if (sub !== undefined) groups.set(group!, [...(groups.get(group!) ?? []), sub]);
  }
  const choices = [...spec.globalFlags, ...spec.commands.flatMap((command) => command.flags)].filter((flag) => flag.choices.length > 0);
  const lines = [
    `${name}() {`,
    '  local cur="${COMP_WORDS[COMP_CWORD]}" prev="${COMP_WORDS[COMP_CWORD-1]}"',
    `  local value_flags=" ${valueFlags} "`,
    '  local command_path="" args=0 skip="" conf=() i w',
    '  for ((i = 1; i < COMP_CWORD; i++)); do',
    '    w="${COMP_WORDS[i]}"',
    '    if [[ -n "$skip" ]]; then',
    '      [[ "$skip" == --conf-dir || "$skip" == --master ]] && conf+=("$skip" "$w")',
    '      skip=""',
    '      continue',
    '    fi',
    '    case "$w" in',
    '      -*) [[ "$value_flags" == *" $w "* ]] && skip="$w" ;;',
    '      *)',
    '        if [[ -z "$command_path" ]]; then command_path="$w"',
    ...[...groups.keys()].map(
      (group) => `        elif [[ "$command_path" == "${group}" && $args -eq 0 ]]; then command_path="${group} $w"`,
    ),
    '        else args=$((args + 1)); fi',
    '        ;;',
    '    esac',
    '  done',
    '  case "$prev" in',
    ...choices.map((flag) => `    ${flag.names.join('|')}) COMPREPLY=($(compgen -W "${flag.choices.join(' ')}" -- "$cur")); return ;;`),
    '  esac',
    '  if [[ -n "$prev" && "$prev" == -* && "$value_flags" == *" $prev "* ]]; then',
    '    COMPREPLY=($(compgen -f -- "$cur"))',
    '    return',
    '  fi',
    `  local flags="${flagNames(spec.globalFlags)}"`,
    '  case "$command_path" in',
    ...spec.commands.map((command) => `    "${command.path}") flags="$flags ${flagNames(command.flags)}" ;;`),
    '  esac',
    '  if [[ "$cur" == -* ]]; then',
    '    COMPREPLY=($(compgen -W "$flags" -- "$cur"))',
    '    return',
    '  fi',
    '  case "$command_path" in',
    `    "") COMPREPLY=($(compgen -W "${topLevel}" -- "$cur")) ;;`,
    ...[...groups.entries()].map(([group, subs]) => `    "${group}") COMPREPLY=($(compgen -W "${subs.join(' ')}" -- "$cur")) ;;`),
    ...spec.commands
      .filter((command) => command.argumentChoices.length > 0)
      .map(
        (command) =>
          `    "${command.path}") [[ $args -eq 0 ]] && COMPREPLY=($(compgen -W "${command.argumentChoices.join(' ')}" -- "$cur")) ;;`,
      ),
    ...spec.commands
      .filter((command) => command.completesTasks)
      .map(
        (command) =>
          `    "${command.path}") [[ $args -eq 0 ]] && COMPREPLY=($(compgen -W "$("\${COMP_WORDS[0]}" "\${conf[@]}" __complete-tasks 2>/dev/null)" -- "$cur")) ;;`,
      ),
    '  esac',
    '}',
  ];
  return `${lines.join('\n')}\ncomplete -o default -F ${name} ${spec.program}\n`;
}

export function bashScript(spec: CompletionSpec): string {
  return `# bash completion for ${spec.program}. Load it with:  source <(${spec.program} completion bash)\n${bashFunction(spec)}`;
}

export function zshScript(spec: CompletionSpec): string {
  return [
    `#compdef ${spec.program}`,
    `# zsh completion for ${spec.program}. Load it with:  source <(${spec.program} completion zsh)`,
    'autoload -U +X compinit && compinit',
    'autoload -U +X bashcompinit && bashcompinit',
    bashFunction(spec),
  ].join('\n');
}

export function fishScript(spec: CompletionSpec): string {
  const c = `complete -c ${spec.program}`;
  const flag = (condition: string, entry: CompletionFlag): string => {
    const parts = [c];
    if (condition !== '') parts.push(`-n '${condition}'`);
    for (const name of entry.names) parts.push(name.startsWith('--') ? `-l ${name.slice(2)}` : `-s ${name.slice(1)}`);
    if (entry.takesValue) parts.push('-r');
    if (entry.choices.length > 0) parts.push(`-a '${entry.choices.join(' ')}'`);
    return parts.join(' ');
  };
  const topLevel = words(spec.commands.map((command) => command.path.split(' ')[0]!));
  const helper = `__${spec.program.replace(/[^A-Za-z0-9]/g, '_')}_tasks`;
  const lines = [
    `# fish completion for ${spec.program}. Load it with:  ${spec.program} completion fish | source`,
    // The aliases of the deployment the line names (--conf-dir, --master), as the command would see it.
    `function ${helper}`,
    '    set -l words (commandline -opc)',
    '    set -l pass',
    '    for i in (seq (count $words))',
    '        if contains -- $words[$i] --conf-dir --master; and test $i -lt (count $words)',
    '            set -a pass $words[$i] $words[(math $i + 1)]',
    '        end',
    '    end',
    `    ${spec.program} $pass __complete-tasks 2>/dev/null`,
    'end',
    `${c} -f`,
    `${c} -n '__fish_use_subcommand' -a '${topLevel}'`,
    ...spec.globalFlags.map((entry) => flag('', entry)),
  ];
  for (const command of spec.commands) {
    const [group, sub] = command.path.split(' ');
    const seen = `__fish_seen_subcommand_from ${group}`;
    if (sub !== undefined) lines.push(`${c} -n '${seen}; and not __fish_seen_subcommand_from ${sub}' -a '${sub}'`);
    const condition = sub === undefined ? seen : `${seen}; and __fish_seen_subcommand_from ${sub}`;
    lines.push(...command.flags.map((entry) => flag(condition, entry)));
    if (command.completesTasks) lines.push(`${c} -n '${condition}' -a '(${helper})'`);
    if (command.argumentChoices.length > 0) lines.push(`${c} -n '${condition}' -a '${command.argumentChoices.join(' ')}'`);
  }
  return `${lines.join('\n')}\n`;
}
