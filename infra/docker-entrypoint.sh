#!/bin/sh
# Starts one Fordra process: api, worker, notifier or migrate. Any other command runs as given,
# so `docker compose run --rm api sh` still opens a shell.
#
# Node is the container's main process, with tsx loaded into it, rather than `pnpm start`: pnpm and
# the shell it starts do not pass SIGTERM on, so a stopping container would lose requests and
# jobs in flight instead of closing them. The entry files must match each package's `start`
# script (`migrate` for the database package).
set -eu

case "${1:-}" in
  api) dir=services/api entry=src/server.ts ;;
  worker) dir=services/worker entry=src/main.ts ;;
  notifier) dir=services/notifier entry=src/main.ts ;;
  migrate) dir=packages/db entry=src/cli.ts ;;
  '')
    echo 'usage: fordra api|worker|notifier|migrate' >&2
    exit 64
    ;;
  *) exec "$@" ;;
esac

shift
cd "/app/$dir"
exec node --import tsx "$entry" "$@"
