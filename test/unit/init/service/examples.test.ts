import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { prepareServiceInputs, SERVICE_KINDS, defaultServiceFileName } from '../../../../src/init/service/inputs.js';
import { renderServiceFile } from '../../../../src/init/service/render.js';
import { templatePath } from '../../../../src/shared/package-root.js';
import { EXAMPLE_SETTINGS } from './example-settings.js';

describe('the examples shipped in templates/service/', () => {
  it.each(SERVICE_KINDS)('%s: is exactly what init renders for the example settings', async (kind) => {
    const shipped = await readFile(templatePath('service', defaultServiceFileName(kind)), 'utf8');
    // On a difference: render them again from EXAMPLE_SETTINGS (example-settings.ts).
    expect(shipped).toBe(renderServiceFile(kind, prepareServiceInputs(kind, EXAMPLE_SETTINGS).inputs));
  });
});
