#!/usr/bin/env bash
# Nightly backup: the database (custom format, restorable table by table) and the media files
# (report templates, export archives). Keep at least 30 days; copy off the machine.
#   crontab: 30 2 * * * /srv/evalsys/deploy/backup.sh /var/backups/evalsys
set -euo pipefail
target=${1:?usage: backup.sh DIRECTORY}
stamp=$(date +%Y%m%d-%H%M%S)
mkdir -p "$target"
set -a; . /etc/evalsys/env; set +a
pg_dump --format=custom --no-owner --file="$target/evalsys-$stamp.dump" "$DATABASE_URL"
tar -C "${MEDIA_ROOT:-/srv/evalsys/media}" -czf "$target/media-$stamp.tar.gz" .
find "$target" -name 'evalsys-*.dump' -mtime +30 -delete
find "$target" -name 'media-*.tar.gz' -mtime +30 -delete
echo "backup written: $target/evalsys-$stamp.dump, media-$stamp.tar.gz"
