#!/usr/bin/env bash
# `make demo`: starts the embedded fake Wrike and drives a short scenario through connector-host:
# describe → create a task → search → update → poll, then `serve` receiving a webhook live and
# one MCP tool call through `connector-host mcp`.
set -euo pipefail
cd "$(dirname "$0")/.."

HOST=target/debug/connector-host
FAKE=target/debug/fake-wrike
workdir=$(mktemp -d)
fake_pid= serve_pid=
cleanup() {
  [ -z "$serve_pid" ] || { kill "$serve_pid" 2>/dev/null; wait "$serve_pid" 2>/dev/null; } || true
  [ -z "$fake_pid" ] || { kill "$fake_pid" 2>/dev/null; wait "$fake_pid" 2>/dev/null; } || true
  rm -rf "$workdir"
}
trap cleanup EXIT

bold() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
show() { printf '\033[2m$ %s\033[0m\n' "$*"; }

"$FAKE" --token demo-token --scopes Default,wsReadWrite >"$workdir/fake.out" 2>"$workdir/fake.err" &
fake_pid=$!
for _ in $(seq 1 100); do
  grep -q '^FAKE_WRIKE_BASE_URL=' "$workdir/fake.out" 2>/dev/null && break
  sleep 0.1
done
base=$(sed -n 's/^FAKE_WRIKE_BASE_URL=//p' "$workdir/fake.out")
[ -n "$base" ] || { echo "the fake Wrike did not start:"; cat "$workdir/fake.err"; exit 1; }

export CONNECTOR_BASE_URL="$base" CONNECTOR_TOKEN=demo-token
export CONNECTOR_CACHE_DIR="$PWD/target/component-cache"
state="$workdir/new_or_updated_task.state"

bold "A fake Wrike API v4 is listening at $base (token 'demo-token', scopes Default,wsReadWrite)"

bold "1. describe: what the Wrike component offers"
show "connector-host describe"
"$HOST" describe | python3 -c '
import json, sys
d = json.load(sys.stdin)
print("%s connector %s, Wrike API %s" % (d["title"], d["version"], d["api_version"]))
oauth = next(a for a in d["auth"] if a["type"] == "oauth2")
print("OAuth2: %s (%d scopes, default %s)" % (oauth["authorize_url"], len(oauth["scopes"]), oauth["default_scopes"]))
print("actions: " + ", ".join(a["name"] for a in d["actions"]))
print("triggers: " + ", ".join(t["name"] for t in d["triggers"]))
'

bold "2. test: who am I?"
show "connector-host test"
"$HOST" test | python3 -c 'import json,sys; u=json.load(sys.stdin); print(u["firstName"], u["lastName"], "<" + u["profiles"][0]["email"] + ">", "id", u["id"])'

bold "3. start the trigger: the first poll picks up the last hour"
show "connector-host poll new_or_updated_task --state $state"
"$HOST" poll new_or_updated_task --state "$state" | python3 -c '
import json, sys
n = 0
for line in sys.stdin:
    t = json.loads(line); n += 1
    print("  event: %s %r updated %s" % (t["id"], t["title"], t["updatedDate"]))
print("  (%d events)" % n)'

folder=$("$HOST" pick folders | python3 -c 'import json,sys; fs=json.load(sys.stdin); print(next(f["value"] for f in fs if "Root" not in f["label"] and "Recycle" not in f["label"]))')

bold "4. create a task in folder $folder"
input=$(printf '{"folderId":"%s","title":"Prepare the demo","importance":"High","dates":{"type":"Planned","start":"2026-12-01","due":"2026-12-03"}}' "$folder")
show "connector-host call create_task --input '$input'"
task=$("$HOST" call create_task --input "$input")
echo "$task" | python3 -c 'import json,sys; t=json.load(sys.stdin); print("  created %s %r status=%s importance=%s" % (t["id"], t["title"], t["status"], t["importance"]))'
task_id=$(echo "$task" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')

bold "5. search for it"
show "connector-host call search_task --input '{\"title\":\"Prepare the demo\"}'"
"$HOST" call search_task --input '{"title":"Prepare the demo"}' | python3 -c 'import json,sys; r=json.load(sys.stdin); [print("  found %s %r" % (t["id"], t["title"])) for t in r["items"]]'

bold "6. update it"
show "connector-host call update_task --input '{\"taskId\":\"$task_id\",\"status\":\"Completed\"}'"
"$HOST" call update_task --input "{\"taskId\":\"$task_id\",\"status\":\"Completed\"}" | python3 -c 'import json,sys; t=json.load(sys.stdin); print("  %s is now %s (updated %s)" % (t["id"], t["status"], t["updatedDate"]))'

bold "7. poll again: the new task, once, at its latest state"
show "connector-host poll new_or_updated_task --state $state"
"$HOST" poll new_or_updated_task --state "$state" | python3 -c '
import json, sys
for line in sys.stdin:
    t = json.loads(line)
    print("  event: %s %r status=%s updated %s" % (t["id"], t["title"], t["status"], t["updatedDate"]))'

bold "8. poll once more: nothing new"
show "connector-host poll new_or_updated_task --state $state"
n=$("$HOST" poll new_or_updated_task --state "$state" | wc -l)
echo "  ($n events)"

bold "9. errors are typed: a task that does not exist"
show "connector-host call get_task_by_id --input '{\"taskId\":\"IEAAAAAQKQZZZZZZ\"}'"
set +e
"$HOST" call get_task_by_id --input '{"taskId":"IEAAAAAQKQZZZZZZ"}' 2>"$workdir/err"
code=$?
set -e
echo "  exit code $code, stderr: $(cat "$workdir/err")"

bold "10. serve: a webhook subscription, events arriving live"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat >"$workdir/serve.toml" <<TOML
[[subscription]]
name = "demo-tasks"
trigger = "new_or_updated_task_webhook"
input = { folderId = "$folder", recursive = true }
TOML
sed 's/^/  | /' "$workdir/serve.toml"
show "connector-host --config serve.toml serve --listen 127.0.0.1:$port --public-url http://127.0.0.1:$port --state serve.db &"
"$HOST" --config "$workdir/serve.toml" serve --listen "127.0.0.1:$port" \
  --public-url "http://127.0.0.1:$port" --state "$workdir/serve.db" \
  >"$workdir/serve.out" 2>"$workdir/serve.err" &
serve_pid=$!
# Up once /healthz answers and the fake has done the webhook handshake (a request to the hook).
python3 - "$port" "$serve_pid" "$workdir/serve.err" <<'PY' || exit 1
import os, sys, time, urllib.request
port, pid, err = sys.argv[1], int(sys.argv[2]), sys.argv[3]
def get(path):
    try:
        with urllib.request.urlopen("http://127.0.0.1:%s%s" % (port, path), timeout=2) as r:
            return r.read().decode()
    except Exception:
        return None
deadline = time.time() + 60
while time.time() < deadline:
    try:
        os.kill(pid, 0)
    except OSError:
        sys.exit("serve exited:\n" + open(err).read())
    m = get("/metrics") if get("/healthz") is not None else None
    if m and any(l.startswith("connector_webhook_requests_total") and not l.rstrip().endswith(" 0")
                 for l in m.splitlines()):
        print("  serve is up on 127.0.0.1:%s, the fake Wrike registered the hook and did its handshake" % port)
        sys.exit(0)
    time.sleep(0.1)
sys.exit("serve did not come up:\n" + open(err).read())
PY

input=$(printf '{"folderId":"%s","title":"Arrives by webhook","importance":"Normal"}' "$folder")
show "connector-host call create_task --input '$input'"
live=$("$HOST" call create_task --input "$input" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
echo "  created $live; the fake Wrike POSTs a signed delivery to serve, which re-reads the task"
show "connector-host call update_task --input '{\"taskId\":\"$live\",\"title\":\"Arrives by webhook, renamed\"}'"
"$HOST" call update_task --input "{\"taskId\":\"$live\",\"title\":\"Arrives by webhook, renamed\"}" >/dev/null
echo "  (serve's catch-up poll at start also reports 'Prepare the demo', changed before the hook existed)"
python3 - "$workdir/serve.out" "$live" <<'PY' || exit 1
import json, sys, time
out, live = sys.argv[1], sys.argv[2]
deadline, seen = time.time() + 60, 0
while time.time() < deadline:
    lines = [json.loads(l) for l in open(out) if l.strip()]
    for l in lines[seen:]:
        e = l["event"]
        print("  event on serve's stdout: subscription=%s key=%s task %s %r updated %s"
              % (l["subscription"], l["key"], e.get("id"), e.get("title"), e.get("updatedDate")))
    seen = len(lines)
    if any(l["event"].get("id") == live and "renamed" in l["event"].get("title", "") for l in lines):
        sys.exit(0)
    time.sleep(0.1)
sys.exit("no event arrived for %s" % live)
PY
kill -INT "$serve_pid"
wait "$serve_pid" || true
serve_pid=
echo "  (serve stopped with Ctrl-C)"

bold "11. mcp: one tool call as an AI agent makes it (JSON-RPC on stdin/stdout)"
show "connector-host mcp   # initialize, then tools/call search_task {\"title\":\"Prepare the demo\"}"
python3 - "$HOST" <<'PY'
import json, subprocess, sys
p = subprocess.Popen([sys.argv[1], "mcp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
def send(msg):
    p.stdin.write(json.dumps(msg) + "\n"); p.stdin.flush()
def answer(i):
    for line in p.stdout:
        m = json.loads(line)
        if m.get("id") == i:
            return m
    sys.exit("mcp closed before answering %d" % i)
send({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
    "protocolVersion": "2025-03-26", "capabilities": {},
    "clientInfo": {"name": "demo", "version": "1"}}})
info = answer(1)["result"]
print("  server %s %s, protocol %s" % (info["serverInfo"]["name"], info["serverInfo"].get("version", ""), info["protocolVersion"]))
send({"jsonrpc": "2.0", "method": "notifications/initialized"})
send({"jsonrpc": "2.0", "id": 2, "method": "tools/call",
      "params": {"name": "search_task", "arguments": {"title": "Prepare the demo"}}})
r = answer(2)["result"]
print("  isError=%s" % r.get("isError", False))
for t in r["structuredContent"]["items"]:
    print("  tool result: %s %r status=%s" % (t["id"], t["title"], t["status"]))
p.stdin.close()
p.wait(timeout=30)
PY

bold "Done."
