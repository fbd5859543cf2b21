#!/bin/sh
# Installs Debian's Slurm (slurmctld, slurmd, slurm-client) and munge, for the test that runs a plan on a
# single-node cluster (environment/local-slurm.sh starts one in a scratch folder). Needs root; safe to run again.
set -eu

packages="slurmctld slurmd slurm-client munge"

if command -v sbatch >/dev/null && [ -x /usr/sbin/slurmctld ] && [ -x /usr/sbin/slurmd ] && [ -x /usr/sbin/munged ]; then
    echo "Slurm already installed: $(sbatch --version)"
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    echo "setup-slurm.sh needs root (apt-get install $packages)" >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# shellcheck disable=SC2086 # the package list is meant to split into words
apt-get install -y -q --no-install-recommends $packages
echo "Slurm installed: $(sbatch --version)"
