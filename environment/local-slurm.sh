#!/bin/bash
# A single-node Slurm cluster on localhost, in a scratch folder, for the Slurm test (and for trying
# `clipmem slurm` without a cluster). Needs root and Debian's slurmctld, slurmd, slurm-client and munge
# (environment/setup-slurm.sh installs them); works without systemd.
#
#   environment/local-slurm.sh start DIR   # writes DIR/slurm.conf, starts munged, slurmctld, slurmd; prints SLURM_CONF=...
#   environment/local-slurm.sh stop DIR    # stops the daemons it started, by the pids in DIR
#
# Clients find the cluster through SLURM_CONF=DIR/slurm.conf. The node has CPUs=2 and no memory accounting.
set -euo pipefail

command=${1:?usage: local-slurm.sh start|stop DIR}
dir=$(realpath -m "${2:?usage: local-slurm.sh start|stop DIR}")

stop_daemons() {
  for name in slurmd slurmctld munged; do
    pidfile="$dir/$name.pid"
    [ -f "$pidfile" ] || continue
    pid=$(cat "$pidfile")
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid"
      for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
    fi
    rm -f "$pidfile"
  done
}

free_port() {
  # A port nothing listens on (a connection to it is refused), so a second cluster or a system one does not clash.
  while true; do
    port=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return; fi
  done
}

case "$command" in
  start)
    if [ "$(id -u)" -ne 0 ]; then echo "local-slurm.sh needs root (its daemons run as root, without systemd)" >&2; exit 1; fi
    for tool in munged slurmctld slurmd sbatch; do
      command -v "$tool" >/dev/null || { echo "$tool is not installed (environment/setup-slurm.sh installs it)" >&2; exit 1; }
    done
    mkdir -p "$dir"/{munge,state,spool,log}
    # munged: its own key, socket and files in the scratch folder; --force because it runs as root.
    [ -f "$dir/munge/munge.key" ] || mungekey --create --keyfile="$dir/munge/munge.key" 2>/dev/null \
      || dd if=/dev/urandom of="$dir/munge/munge.key" bs=1 count=1024 status=none
    chmod 600 "$dir/munge/munge.key"
    munged --force --key-file="$dir/munge/munge.key" --socket="$dir/munge/munge.socket" \
      --pid-file="$dir/munged.pid" --log-file="$dir/log/munged.log" --seed-file="$dir/munge/munge.seed"
    ctld_port=$(free_port)
    slurmd_port=$(free_port)
    node=$(hostname -s)
    cat > "$dir/slurm.conf" <<CONF
ClusterName=clipmem-local
SlurmctldHost=$node(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$dir/munge/munge.socket
CredType=cred/munge
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
MpiDefault=none
ReturnToService=2
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SlurmctldTimeout=30
SlurmdTimeout=30
NodeName=$node NodeAddr=127.0.0.1 CPUs=2 State=UNKNOWN
PartitionName=local Nodes=$node Default=YES MaxTime=INFINITE State=UP
CONF
    export SLURM_CONF="$dir/slurm.conf"
    slurmctld -f "$SLURM_CONF"
    slurmd -f "$SLURM_CONF"
    # Ready when the node accepts jobs.
    for _ in $(seq 60); do
      if sinfo -h -o %T 2>/dev/null | grep -qE '^(idle|mixed|allocated)'; then
        echo "SLURM_CONF=$SLURM_CONF"
        exit 0
      fi
      sleep 0.5
    done
    echo "the local cluster did not come up within 30 s; logs in $dir/log:" >&2
    tail -n 20 "$dir"/log/*.log >&2 || true
    stop_daemons
    exit 1
    ;;
  stop)
    stop_daemons
    ;;
  *)
    echo "usage: local-slurm.sh start|stop DIR" >&2
    exit 2
    ;;
esac
