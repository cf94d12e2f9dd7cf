# Shortcuts for the scripts the README names.
.PHONY: run test setup bench release
run:
	bash scripts/run.sh
test:
	bash scripts/test.sh
setup:
	bash scripts/setup.sh test
# Release builds, then one report (app vs a blank Tauri page, sandbox vs moto, core vs boto3/CLI)
# printed and written into README.md.
bench:
	bash bench/app.sh
# The .deb and .rpm bundles.
release:
	bash scripts/release.sh
