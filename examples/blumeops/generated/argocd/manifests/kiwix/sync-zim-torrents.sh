#!/bin/bash
# Adds every torrent of the list to the torrent client that it does not have yet. Run by kiwix's
# sidecar; a client that is not up yet is not an error, the next round tries again.
set -euo pipefail

list="${TORRENT_LIST:-/config/torrents.txt}"
client="${TRANSMISSION_HOST:-transmission.torrent.svc.cluster.local}:${TRANSMISSION_PORT:-9091}"

if ! transmission-remote "$client" -l >/dev/null 2>&1; then
    echo "transmission at $client is not answering; trying again next round"
    exit 0
fi

known=$(transmission-remote "$client" -l | awk 'NR > 1 { print $NF }')
added=0
while IFS= read -r line || [[ -n "$line" ]]; do
    url=$(echo "$line" | sed -e 's/#.*//' -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//')
    [[ -z "$url" ]] && continue
    name=$(basename "$url" .torrent)
    if ! grep -qF "${name%.zim}" <<<"$known"; then
        transmission-remote "$client" -a "$url" && added=$((added + 1))
    fi
done <"$list"
echo "added $added torrents"
