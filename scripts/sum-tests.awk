# Adds up the "test result:" lines of cargo test output: prints "<label>: N passed, N failed"
# (label from -v label=…), and exits non-zero when something failed or nothing ran (-v strict=1).
/^test result:/ { for (i = 1; i <= NF; i++) { if ($i ~ /^passed/) p += $(i-1); if ($i ~ /^failed/) f += $(i-1) } }
END { printf "%s: %d passed, %d failed\n", label, p, f; if (strict) exit (f > 0 || p == 0) }
