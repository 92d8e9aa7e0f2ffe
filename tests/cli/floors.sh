#!/bin/sh
# The floors of src/ (docs/architecture.md): scripts/floors.sh passes on
# the tree, and fails, naming file and line, on copies of it with an
# include from a lower floor up, across one floor, from a folder on no
# floor, and with READMEs that disagree with the floors.
set -u
here=$(cd "$(dirname "$0")/../.." && pwd)
floors="$here/scripts/floors.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
t() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi; }

"$floors" "$here/src" >"$tmp/out" 2>&1
t $? "src/ keeps its floors"
[ ! -s "$tmp/out" ]; t $? "and says nothing"

for d in "$here"/src/*/; do
    [ -f "$d/README" ] || echo "# no README in $d"
done

# A copy whose fabric reaches up into report/ (the breakdown), at line 3.
cp -R "$here/src" "$tmp/src"
sed -i '3i #include "report/breakdown.h"' "$tmp/src/fabric/port.c"
"$floors" "$tmp/src" >"$tmp/out" 2>&1
[ $? = 1 ]; t $? "fabric/ including report/ fails"
grep -q "^$tmp/src/fabric/port.c:3: includes report/breakdown.h, but report/ is above fabric/\$" "$tmp/out"
t $? "naming the file and the line"
[ "$(wc -l <"$tmp/out")" = 1 ]; t $? "and nothing else"

# host/ and transport/ share a floor and may include each other; two
# folders of the floor above may not.
rm -rf "$tmp/src" && cp -R "$here/src" "$tmp/src"
mkdir -p "$tmp/src/storage" "$tmp/src/control"
printf '/* x */\n#include "control/y.h"\n#include "transport/tcp.h"\n' >"$tmp/src/storage/x.c"
printf '/* y */\n' >"$tmp/src/control/y.h"
"$floors" "$tmp/src" >"$tmp/out" 2>&1
[ $? = 1 ]; t $? "storage/ including control/ fails"
grep -q "storage/x.c:2: includes control/y.h, but control/ is on the floor of storage/" "$tmp/out"
t $? "naming the same-floor include"
! grep -q 'transport/tcp.h' "$tmp/out"; t $? "an include from a lower floor passes"

# A folder the floors do not know.
rm -rf "$tmp/src" && cp -R "$here/src" "$tmp/src"
mkdir -p "$tmp/src/misc"
printf '#include "sim/util.h"\n' >"$tmp/src/misc/m.c"
"$floors" "$tmp/src" >"$tmp/out" 2>&1
[ $? = 1 ]; t $? "a folder on no floor fails"
grep -q "misc/m.c:1: folder misc/ is on no floor" "$tmp/out"; t $? "naming it"

# A README whose "May include:" line is not what the floors say, and a
# folder without one.
rm -rf "$tmp/src" && cp -R "$here/src" "$tmp/src"
sed -i 's|^May include: sim/ pkt/$|May include: sim/ pkt/ host/|' "$tmp/src/fabric/README"
rm "$tmp/src/world/README"
"$floors" "$tmp/src" >"$tmp/out" 2>&1
[ $? = 1 ]; t $? "READMEs that disagree with the floors fail"
grep -q 'fabric/README:[0-9]*: says "May include: sim/ pkt/ host/"; the floors give "sim/ pkt/"' "$tmp/out"
t $? "naming the README and its line"
grep -q 'world/README:1: missing' "$tmp/out"; t $? "and the missing one"

echo "1..$n"
