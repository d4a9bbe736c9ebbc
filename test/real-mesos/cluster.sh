#!/usr/bin/env bash
# A real Apache Mesos cluster on loopback for the real-Mesos test lane (npm run test:real-mesos):
# ZooKeeper on 127.0.0.1:2181 (MODE=zk), a master on 127.0.0.1:5050 and N agents on
# 127.0.0.2..N+1:5051. Run it inside a private network, PID and mount namespace (the lane's runner
# does): the agents refuse a hybrid cgroup v1/v2 host, so the cgroup2 mount at
# /sys/fs/cgroup/unified is unmounted there, never on the host.
#
#   cluster.sh BUILD WORKDIR N [zk|standalone]
#
# BUILD is a Mesos build directory holding bin/mesos-master.sh and bin/mesos-agent.sh.
# AGENT_RESOURCES sets every agent's --resources (default: the embedded cluster's, Alluxio's ports
# included, so that both lanes place the same tasks).
# Afterwards WORKDIR holds *.pid files and start-master.sh (to restart the master).
set -euo pipefail
BUILD=${1:?build dir}; W=${2:?work dir}; N=${3:-3}; MODE=${4:-zk}
RESOURCES=${AGENT_RESOURCES:-cpus:4;mem:8192;disk:16384;ports:[19998-19999,29998-30000,31000-32000]}
mkdir -p "$W"; W=$(cd "$W" && pwd)
mountpoint -q /sys/fs/cgroup/unified 2>/dev/null && umount /sys/fs/cgroup/unified || true

if [ "$MODE" = zk ]; then
  mkdir -p "$W/zk/data"
  printf 'tickTime=500\ndataDir=%s\nclientPort=2181\nclientPortAddress=127.0.0.1\nadmin.enableServer=false\nmaxClientCnxns=0\n4lw.commands.whitelist=ruok\n' \
    "$W/zk/data" > "$W/zk/zoo.cfg"
  java -Xmx128m -XX:+UseSerialGC -Dzookeeper.admin.enableServer=false -cp "/usr/share/java/zookeeper.jar:/usr/share/java/*" \
    org.apache.zookeeper.server.ZooKeeperServerMain "$W/zk/zoo.cfg" > "$W/zk.out" 2>&1 &
  echo $! > "$W/zk.pid"
  for _ in $(seq 60); do
    [ "$(echo ruok | timeout 2 bash -c 'exec 3<>/dev/tcp/127.0.0.1/2181; cat >&3; cat <&3' 2>/dev/null)" = imok ] && break
    sleep 0.5
  done
  MASTER_FLAGS="--zk=zk://127.0.0.1:2181/mesos --quorum=1 --registry=replicated_log"
  AGENT_MASTER=zk://127.0.0.1:2181/mesos
else
  MASTER_FLAGS="--registry=replicated_log --quorum=1"
  AGENT_MASTER=127.0.0.1:5050
fi

cat > "$W/start-master.sh" <<SH
#!/usr/bin/env bash
GLOG_v=0 "$BUILD/bin/mesos-master.sh" --ip=127.0.0.1 --port=5050 --hostname=127.0.0.1 --work_dir="$W/master" \\
  $MASTER_FLAGS --log_dir="$W/master-logs" >> "$W/master.out" 2>&1 &
echo \$! > "$W/master.pid"
SH
chmod +x "$W/start-master.sh"
"$W/start-master.sh"

for i in $(seq 1 "$N"); do
  ip=127.0.0.$((i + 1))
  "$BUILD/bin/mesos-agent.sh" --ip=$ip --hostname=$ip --port=5051 --master=$AGENT_MASTER \
    --work_dir="$W/agent$i" --runtime_dir="$W/agent$i-run" --fetcher_cache_dir="$W/agent$i-cache" \
    --log_dir="$W/agent$i-logs" --launcher=posix --isolation=posix/cpu,posix/mem --systemd_enable_support=false \
    --resources="$RESOURCES" >> "$W/agent$i.out" 2>&1 &
  echo $! > "$W/agent$i.pid"
done

n=0
for _ in $(seq 180); do
  n=$(curl -s http://127.0.0.1:5050/master/slaves 2>/dev/null | node -pe 'JSON.parse(require("fs").readFileSync(0)).slaves.length' 2>/dev/null || echo 0)
  [ "$n" = "$N" ] && { echo "real Mesos ($MODE): master 127.0.0.1:5050, $N agents registered"; exit 0; }
  sleep 1
done
echo "only $n of $N agents registered; see $W/*.out" >&2
exit 1
