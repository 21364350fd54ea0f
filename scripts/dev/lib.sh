# Shared by the dev scripts (sourced, not run).

# stop_pid_file FILE: stops the process whose PID FILE holds (TERM, then KILL after 5 s) and
# removes FILE. Nothing happens if FILE does not exist.
stop_pid_file() {
  [ -f "$1" ] || return 0
  local pid
  pid=$(cat "$1")
  kill -TERM "$pid" 2>/dev/null
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
  rm -f "$1"
}
