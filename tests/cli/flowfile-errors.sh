#!/bin/sh
# Flow files named from traffic entries (pattern: file), what the fuzzing
# round of session 35 found by hand: a directory as the file (it opened,
# and read as an empty file), a header of more columns than a reader
# holds (its lines were then refused as having too many fields), and a
# UTF-8 byte-order mark before the header (read into the first column's
# name); and the HPCC simulator's files with blank lines, which it skips.  A refusal: exit 2, one line on stderr starting with the place
# (the scenario's FILE:LINE:COL, or the flow file's), nothing on stdout,
# no results directory (run and validate: lib.sh's refused).
set -u
. "$(dirname "$0")/../lib.sh"

# scenario FILE: a scenario whose traffic is the flow file FILE.
scenario() {
    cat >"$tmp/s.yaml" <<YAML
topology: {type: spine-leaf, spines: 1, leaves: 2, servers_per_leaf: 2}
stop: 1ms
traffic:
  - {pattern: file, file: $1, protocol: udp}
YAML
}
mkdir "$tmp/flows.d"
scenario flows.d
refused "a directory" "$tmp/s.yaml" "4:27: traffic.0.file: " "flows.d is a directory"

cols=$(awk 'BEGIN { for (i = 1; i <= 61; i++) printf ",x%d", i }')
printf 'src,dst,size_bytes,start_ps%s\n' "$cols" >"$tmp/wide.csv"
scenario wide.csv
refused_at "65 columns" "$tmp/s.yaml" "$tmp/wide.csv:1:260: " "a column after the 64th; expected at most 64"

printf 'src,dst,size_bytes,start_ps%s\nh0,h1,1000,0%s\n' "${cols%,x61}" \
    "$(echo "${cols%,x61}" | sed 's/x[0-9]*//g')" >"$tmp/wide.csv"
"$DCSIM" validate "$tmp/s.yaml" >/dev/null
t $? "64 columns: the flow file is read"

printf '\357\273\277src,dst,size_bytes,start_ps\nh0,h1,1000,0\n' >"$tmp/bom.csv"
scenario bom.csv
"$DCSIM" run "$tmp/s.yaml" -o "$tmp/o" --quiet --no-report &&
    [ "$(cell "$tmp/o" flows.csv size_bytes)" = 1000 ]
t $? "a byte-order mark before the header is skipped: the flow runs"
# The HPCC simulator reads its flow file word by word (third.cc's
# `flowf >>`), so blank lines before the count and between flows are
# nothing to it, and nothing to `format: ns3`.
printf '\n2\n0 1 3 100 1000 0.000001\n\n1 0 3 100 2000 0.000002\n' \
    >"$tmp/blank.txt"
cat >"$tmp/s.yaml" <<YAML
topology: {type: spine-leaf, spines: 1, leaves: 2, servers_per_leaf: 2}
stop: 1ms
traffic:
  - {pattern: file, file: blank.txt, format: ns3, protocol: udp}
YAML
"$DCSIM" run "$tmp/s.yaml" -o "$tmp/b" --quiet --no-report &&
    [ "$(awk -F, 'NR > 1' "$tmp/b/flows.csv" | wc -l)" = 2 ]
t $? "ns3 format: blank lines before the count and between flows are skipped (2 flows run)"
printf '2\n0 1 3 100 1000 0.000001\n\n' >"$tmp/short.txt"
sed -i 's/blank.txt/short.txt/' "$tmp/s.yaml"
refused_at "ns3 format: blank lines are not flows" "$tmp/s.yaml" "$tmp/short.txt:4:1: " "the file ends 1 flow short"

# A line is read up to 1 MiB: a file without line ends (/dev/zero) was
# read whole into memory, without end (the sanitized build ran out of it
# at 32 GiB).  A long line of spaces is not blank, and a long line of
# text is refused at its 1 MiB + 1st byte.
scenario /dev/zero
refused_at "/dev/zero" "$tmp/s.yaml" "/dev/zero:1:1: " "a NUL byte; expected text"
sed -i 's#file: /dev/zero,#file: /dev/zero, format: ns3,#' "$tmp/s.yaml"
refused_at "/dev/zero, ns3 format" "$tmp/s.yaml" "/dev/zero:1:1: " "a NUL byte; expected text"
{ printf 'src,dst,size_bytes,start_ps\n'; head -c 1048577 /dev/zero | tr '\0' ' '; printf '\n'; } >"$tmp/long.csv"
scenario long.csv
refused_at "a line of 1 MiB + 1 spaces" "$tmp/s.yaml" "$tmp/long.csv:2:1048577: " "a line longer than 1048576 bytes; expected one flow a line"
{ printf 'src,dst,size_bytes,start_ps,note\nh0,h1,1000,0,'; head -c 1048563 /dev/zero | tr '\0' x; printf '\n'; } >"$tmp/long.csv"
"$DCSIM" validate "$tmp/s.yaml" >/dev/null
t $? "a flow line of exactly 1 MiB (a long column ignored) is read"
echo "1..$n"
