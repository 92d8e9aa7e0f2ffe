# Shared by the shell tests (sourced): the binary under test, a scratch
# directory removed on exit, and TAP output.
#
#   t STATUS DESCRIPTION   prints "ok N - ..." if STATUS is 0, else
#                          "not ok N - ..."; the script ends with
#                          echo "1..$n".
#   num KEY FILE           the first integer value of "KEY" in a JSON file.
DCSIM=${DCSIM:-./dcsim}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
t() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi; }
num() { sed -n "s/.*\"$1\": \([0-9]*\).*/\1/p" "$2" | head -n 1; }
