#!/bin/sh
# deb post-install: let the station read barcode scanners without root (see docs/scanners.md).
set -e
RULES=/opt/Ballot\ Intake\ Station/resources/udev/70-ballot-intake-scanners.rules
if [ -f "$RULES" ]; then
  cp "$RULES" /etc/udev/rules.d/70-ballot-intake-scanners.rules
  udevadm control --reload-rules 2>/dev/null || true
  udevadm trigger 2>/dev/null || true
fi
