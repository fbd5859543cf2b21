#!/bin/sh
# Installs the PyTorch peer used by `clipmem bench` (tests/peer/clip_peer.py): Debian's PyTorch,
# torchvision and PIL with the pthread OpenBLAS. Debian's packages are seen by /usr/bin/python3 only,
# which is why the bench calls that interpreter explicitly. Needs root; safe to run again.
set -eu

packages="python3-torch python3-torchvision python3-pil libopenblas0-pthread"

if /usr/bin/python3 -c "import torch, torchvision, PIL" >/dev/null 2>&1 \
    && dpkg -s libopenblas0-pthread >/dev/null 2>&1; then
    echo "PyTorch peer already installed: $(/usr/bin/python3 -c 'import torch; print(torch.__version__)')"
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    echo "setup-peer.sh needs root (apt-get install $packages)" >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# shellcheck disable=SC2086 # the package list is meant to split into words
apt-get install -y -q --no-install-recommends $packages
/usr/bin/python3 -c "import torch; print('PyTorch peer installed:', torch.__version__)"
