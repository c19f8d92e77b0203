#!/usr/bin/env bash
# Refresh the front-end assets committed under hub/web/static/ from npm (GOV.UK Frontend and MOJ Frontend).
# The built files are committed, so a fresh machine needs neither node nor npm; run this only to upgrade.
#
# The GDS Transport font is licensed for GOV.UK services only ("customised for exclusive use on gov.uk"),
# and a council's hub is not on GOV.UK: the @font-face rules are removed and text falls back to Arial, as
# the GOV.UK Frontend guidance asks of services outside GOV.UK. No font files are shipped.
set -euo pipefail

GOVUK_VERSION="${GOVUK_VERSION:-6.6.0}"
MOJ_VERSION="${MOJ_VERSION:-11.1.0}"
here="$(cd "$(dirname "$0")/.." && pwd)"
static="$here/hub/web/static"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cd "$work"
npm pack --silent "govuk-frontend@$GOVUK_VERSION" "@ministryofjustice/frontend@$MOJ_VERSION" >/dev/null
mkdir govuk moj
tar xzf "govuk-frontend-$GOVUK_VERSION.tgz" -C govuk
tar xzf "ministryofjustice-frontend-$MOJ_VERSION.tgz" -C moj

mkdir -p "$static/images"
strip_fonts() {
  # Drop every @font-face block (and the font's copyright comment) from a minified stylesheet.
  python3 - "$1" "$2" <<'PY'
import re, sys
css = open(sys.argv[1], encoding="utf-8").read()
css = re.sub(r"/\*![^*]*GDS Transport[^*]*\*/|/\*! Copyright \(c\) 2011 by Margaret Calvert[^*]*\*/", "", css)
css = re.sub(r"@font-face\{[^}]*\}", "", css)
css = css.replace('"GDS Transport",', "").replace("GDS Transport,", "")
open(sys.argv[2], "w", encoding="utf-8").write(css)
PY
}
strip_fonts govuk/package/dist/govuk/govuk-frontend.min.css "$static/govuk-frontend.min.css"
strip_fonts moj/package/moj/moj-frontend.min.css "$static/moj-frontend.min.css"
cp govuk/package/dist/govuk/govuk-frontend.min.js "$static/govuk-frontend.min.js"
cp govuk/package/dist/govuk/assets/images/favicon.ico "$static/images/"
for icon in $(grep -o 'url(/assets/images/[^)]*)' "$static/moj-frontend.min.css" | sed 's|url(/assets/images/||; s|)||' | sort -u); do
  if [ -f "moj/package/moj/assets/images/$icon" ]; then cp "moj/package/moj/assets/images/$icon" "$static/images/"; fi
done
printf 'govuk-frontend %s (MIT licence, Crown copyright)\n@ministryofjustice/frontend %s (MIT licence)\nBuilt by scripts/build-assets.sh; @font-face rules removed (GDS Transport is for GOV.UK only).\n' \
  "$GOVUK_VERSION" "$MOJ_VERSION" > "$static/VERSIONS.txt"
echo "assets refreshed in $static"
