#!/usr/bin/env bash
# `make demo`: starts the embedded fake Wrike and drives a short scenario through connector-host:
# describe → create a task → search → update → poll.
set -euo pipefail
cd "$(dirname "$0")/.."

HOST=target/debug/connector-host
FAKE=target/debug/fake-wrike
workdir=$(mktemp -d)
trap 'kill "$fake_pid" 2>/dev/null || true; rm -rf "$workdir"' EXIT

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

bold "Done."
