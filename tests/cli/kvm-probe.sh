#!/bin/sh
# `dcsim kvm-probe`: bad arguments and a device that is missing or is not
# KVM (exit 2, one message naming the step, no profile and no temporary
# file left), --show on good and bad profiles, and, when /dev/kvm is
# usable, a real probe: every row of the table, a profile that loads,
# medians > 0, p99 >= median, and CPUID (handled in KVM) cheaper than a
# port write handled in user space.  Without a usable /dev/kvm the probe's
# tests are reported as skipped, not passed.
set -u
. "$(dirname "$0")/../lib.sh"

# err DESCRIPTION PATTERN ARGS...: `dcsim kvm-probe ARGS` exits 2 with
# PATTERN on stderr, prints nothing, and leaves nothing in $d, the
# directory of the profile it is asked to write.
d=$tmp/d
mkdir "$d"
p=$d/p.yaml
err() {
    desc=$1 pat=$2
    shift 2
    "$DCSIM" kvm-probe "$@" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    [ $rc = 2 ] && grep -q -- "$pat" "$tmp/err" && [ ! -s "$tmp/out" ] &&
        [ -z "$(ls -A "$d")" ]
    s=$?
    if [ $s != 0 ]; then
        echo "# rc $rc, stderr:"
        sed 's/^/#   /' "$tmp/err"
        ls -A "$d" | sed 's/^/#   left: /'
    fi
    t $s "$desc"
}

"$DCSIM" --help | grep -q 'dcsim kvm-probe \[-o FILE\] \[--iterations N\]'
t $? "--help lists kvm-probe"
err "--iterations 0: exit 2, nothing written" \
    "^dcsim kvm-probe: --iterations 0: expected an integer 1..100000" \
    --iterations 0 -o "$p"
err "--iterations abc" "--iterations abc: expected an integer 1..100000" \
    --iterations abc -o "$p"
err "--iterations 100001" "--iterations 100001: expected" \
    --iterations 100001 -o "$p"
err "--iterations without a value" "--iterations needs a value" \
    -o "$p" --iterations
err "unknown option" "unknown option '--frobnicate'" --frobnicate -o "$p"
err "a stray argument" "unexpected argument 'now'" now
err "-o in a missing directory" \
    "^dcsim kvm-probe: -o $d/no/p.yaml: No such file or directory" \
    -o "$d/no/p.yaml"
err "-o naming a directory" "^dcsim kvm-probe: -o $d: is a directory" \
    -o "$d"
err "no such device: names the open step" \
    "^dcsim kvm-probe: open $tmp/kvm: No such file or directory\$" \
    --device "$tmp/kvm" -o "$p"
err "a device that is not KVM: names the ioctl" \
    "^dcsim kvm-probe: KVM_GET_API_VERSION: Inappropriate ioctl for device" \
    --device /dev/null -o "$p" --iterations 5
err "--show with probe options" "--show FILE takes no other option" \
    --show "$p" --iterations 5

# --show: a bad profile gets FILE:LINE:COL.
mkdir "$tmp/s"
cat >"$tmp/s/bad.yaml" <<'YAML'
kvm_profile:
  cpu: "x"
  vendor: arm
YAML
"$DCSIM" kvm-probe --show "$tmp/s/bad.yaml" >/dev/null 2>"$tmp/s/err"
[ $? = 2 ] && grep -q "^$tmp/s/bad.yaml:2:3: kvm_profile has no 'hw_virt_flag'" "$tmp/s/err"
t $? "--show a profile missing keys: exit 2 with FILE:LINE:COL"
rm -r "$tmp/s"

# The probe itself.  A machine without KVM fails at the first steps
# (open, KVM_GET_API_VERSION, KVM_CREATE_VM): that is a skip.  Any other
# failure is a failure.
"$DCSIM" kvm-probe --iterations 2000 -o "$p" >"$tmp/table" 2>"$tmp/err"
rc=$?
usable=0
if [ $rc = 0 ]; then
    usable=1
elif [ $rc = 2 ] && grep -q "^dcsim kvm-probe: \(open [^:]*\|KVM_GET_API_VERSION\|KVM_CREATE_VM\):" "$tmp/err"; then
    why="no usable /dev/kvm: $(head -n 1 "$tmp/err" | sed 's/^dcsim kvm-probe: //')"
else
    echo "# rc $rc:"
    sed 's/^/#   /' "$tmp/err"
    why=""
fi
if [ $usable = 0 ]; then
    if [ -n "$why" ]; then
        for desc in "the probe succeeds" "the table has every exit kind" \
            "the profile loads with --show" \
            "every median > 0 and p99 >= median" \
            "in-kernel CPUID is cheaper than a port write to user space" \
            "no temporary file is left"; do
            n=$((n + 1))
            echo "ok $n - $desc # SKIP $why"
        done
    else
        t 1 "the probe succeeds"
    fi
    echo "1..$n"
    exit 0
fi

t 0 "the probe succeeds"
sed 's/^/# /' "$tmp/table"
rows=0
for k in pio_user mmio_user hlt_user hypercall_kernel cpuid_kernel \
         doorbell_mmio_user doorbell_ioeventfd; do
    grep -q "^$k  *[0-9]" "$tmp/table" && rows=$((rows + 1))
done
[ $rows = 7 ]; t $? "the table has every exit kind"
"$DCSIM" kvm-probe --show "$p" >"$tmp/show" 2>&1
t $? "the profile loads with --show"
# One line per exit: NAME MEDIAN_NS P99_NS MEDIAN_CYC P99_CYC.
sed -n 's/^ *\([a-z_]*\): *{median_ns: \([0-9.]*\), p99_ns: \([0-9.]*\), median_cycles: \([0-9.]*\), p99_cycles: \([0-9.]*\)}$/\1 \2 \3 \4 \5/p' "$p" >"$tmp/figures"
awk 'NF == 5 && $2 > 0 && $4 > 0 && $3 >= $2 && $5 >= $4 { good++ }
     END { exit good == 7 ? 0 : 1 }' "$tmp/figures"
t $? "every median > 0 and p99 >= median"
cpuid=$(awk '$1 == "cpuid_kernel" { print $2 }' "$tmp/figures")
pio=$(awk '$1 == "pio_user" { print $2 }' "$tmp/figures")
echo "# cpuid_kernel median ${cpuid} ns, pio_user median ${pio} ns"
awk -v c="$cpuid" -v p="$pio" 'BEGIN { exit c < p ? 0 : 1 }'
t $? "in-kernel CPUID is cheaper than a port write to user space"
[ "$(ls -A "$d")" = p.yaml ]
t $? "no temporary file is left"
echo "1..$n"
