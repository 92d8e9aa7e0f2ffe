#!/bin/sh
# `dcsim keys` against docs/scenario.md: every key the parser's tables
# accept is documented there, and every key documented there is accepted.
# In the doc, the keys of a table are the backquoted names of its first
# column, under the path of the `<!-- keys: PREFIX ... -->` comment above
# it (`<!-- keys -->`: the top level).
set -u
DCSIM=${DCSIM:-./dcsim}
here=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
t() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi; }

# The documented keys of markdown file $1, one path a line, sorted.
doc_keys() {
    awk '
        /^<!-- keys(: .*)? -->$/ {
            line = $0
            sub(/^<!-- keys:? ?/, "", line); sub(/ ?-->$/, "", line)
            np = split(line, prefix, " ")
            if (np == 0) { np = 1; prefix[1] = "" }
            intable = 1
            next
        }
        intable && /^\|/ {
            split($0, cell, "|")
            first = cell[2]
            while (match(first, /`[^`]+`/)) {
                name = substr(first, RSTART + 1, RLENGTH - 2)
                first = substr(first, RSTART + RLENGTH)
                for (i = 1; i <= np; i++)
                    print (prefix[i] == "" ? name : prefix[i] "." name)
            }
            next
        }
        { intable = 0 }
    ' "$1" | sort -u
}

"$DCSIM" keys >"$tmp/keys"; t $? "dcsim keys exits 0"
head -1 "$tmp/keys" | grep -q '^KEY	TYPE	DEFAULT	HELP$'; t $? "a header line"
tail -n +2 "$tmp/keys" >"$tmp/rows"
[ "$(wc -l <"$tmp/rows")" -ge 200 ]; t $? "at least 200 keys"
awk -F'\t' 'NF != 4 || $1 == "" || $2 == "" || $3 == "" || $4 == "" { exit 1 }' "$tmp/rows"
t $? "every key has a type, a default and help"
cut -f1 "$tmp/rows" | sort -u >"$tmp/accepted"
grep -q '^pfc\.watchdog\.detection$' "$tmp/accepted" &&
    grep -q '^traffic\[\]\.size$' "$tmp/accepted"
t $? "paths such as pfc.watchdog.detection and traffic[].size"

doc_keys "$here/docs/scenario.md" >"$tmp/documented"
comm -23 "$tmp/accepted" "$tmp/documented" >"$tmp/undocumented"
[ ! -s "$tmp/undocumented" ]
t $? "every accepted key is documented in docs/scenario.md"
sed 's/^/# undocumented: /' "$tmp/undocumented"
comm -13 "$tmp/accepted" "$tmp/documented" >"$tmp/unaccepted"
[ ! -s "$tmp/unaccepted" ]
t $? "every key documented in docs/scenario.md is accepted"
sed 's/^/# documented but not accepted: /' "$tmp/unaccepted"

# The check itself: a doc without one key's row, or with a row for a key
# that does not exist, differs from the tables.
grep -v '^| `detection` |' "$here/docs/scenario.md" >"$tmp/less.md"
doc_keys "$tmp/less.md" | comm -23 "$tmp/accepted" - | grep -qx 'pfc.watchdog.detection'
t $? "a key missing from the doc is found"
sed 's/^| `restoration` |/| `restoration`, `bogus` |/' "$here/docs/scenario.md" >"$tmp/more.md"
doc_keys "$tmp/more.md" | comm -13 "$tmp/accepted" - | grep -qx 'pfc.watchdog.bogus'
t $? "a documented key the parser lacks is found"

"$DCSIM" keys extra >/dev/null 2>"$tmp/e"; [ $? = 2 ] && [ -s "$tmp/e" ]
t $? "dcsim keys with an argument: exit 2 with a message"
"$DCSIM" --help | grep -q 'dcsim keys'; t $? "--help lists keys"

echo "1..$n"
