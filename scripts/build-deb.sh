#!/usr/bin/env bash
# npm run deb: dist/mkinitramfs-ts_VERSION_all.deb, built with dpkg-deb from what `npm run build` made.
#   /usr/lib/mkinitramfs-ts/           the program: bin/mkinitramfs-ts.cjs (the entry), dist/ (the
#                                      one-file bundle), modules.d/, a package.json naming the version
#   /usr/bin/mkinitramfs-ts            -> ../lib/mkinitramfs-ts/bin/mkinitramfs-ts.cjs
#   /etc/kernel/postinst.d/, postrm.d/ the Debian kernel hooks from kernel-hooks/, running /usr/bin/mkinitramfs-ts
#   /usr/lib/kernel/install.d/50-mkinitramfs-ts.install   the kernel-install plugin from kernel-hooks/
#   /etc/mkinitramfs-ts.conf           every key, commented out (scripts/deb/mkinitramfs-ts.conf)
#   man page, bash completion, copyright, changelog
# Control fields: scripts/deb/control.in. Reproducible: files are copied with fixed modes, every mtime
# is SOURCE_DATE_EPOCH (default: the last commit's time), owners are root (--root-owner-group), and
# dpkg-deb writes the members in name order.
set -euo pipefail
cd "$(dirname "$0")/.."

die() { printf 'build-deb: %s\n' "$*" >&2; exit 1; }
[ -s dist/mkinitramfs-ts.cjs ] || die "dist/mkinitramfs-ts.cjs is missing: run 'npm run build' first (npm run deb does)"
command -v dpkg-deb >/dev/null || die "dpkg-deb not found: apt-get install dpkg"

VERSION=$(node -p 'require("./package.json").version')
if [ -z "${SOURCE_DATE_EPOCH:-}" ]; then
  SOURCE_DATE_EPOCH=$(git log -1 --format=%ct 2>/dev/null) || die "not a git checkout: set SOURCE_DATE_EPOCH"
fi
export SOURCE_DATE_EPOCH
OUT=dist/mkinitramfs-ts_${VERSION}_all.deb

STAGE=$(mktemp -d "${TMPDIR:-/tmp}/mkinitramfs-ts-deb.XXXXXX")
trap 'rm -rf "$STAGE"' EXIT
ROOT=$STAGE/root
LIB=/usr/lib/mkinitramfs-ts
umask 022

# put MODE SRC DEST: one file into the package
put() { install -D -m "$1" "$2" "$ROOT$3"; }

put 0755 bin/mkinitramfs-ts.cjs "$LIB/bin/mkinitramfs-ts.cjs"
put 0644 dist/mkinitramfs-ts.cjs "$LIB/dist/mkinitramfs-ts.cjs"
printf '{\n  "name": "mkinitramfs-ts",\n  "version": "%s",\n  "type": "module"\n}\n' "$VERSION" > "$STAGE/package.json"
put 0644 "$STAGE/package.json" "$LIB/package.json"
# modules.d as git sees it (no ignored leftovers); its README goes to the documentation, and a file
# that starts with #! is executable (the modes inside an image come from the manifests, not from here)
while IFS= read -r f; do
  case $f in
    modules.d/README.md) put 0644 "$f" /usr/share/doc/mkinitramfs-ts/modules.d.md ;;
    *) if [ "$(head -c2 "$f")" = '#!' ]; then put 0755 "$f" "$LIB/$f"; else put 0644 "$f" "$LIB/$f"; fi ;;
  esac
done < <(git ls-files --cached --others --exclude-standard modules.d 2>/dev/null || find modules.d -type f | sort)
mkdir -p "$ROOT/usr/bin"
ln -s ../lib/mkinitramfs-ts/bin/mkinitramfs-ts.cjs "$ROOT/usr/bin/mkinitramfs-ts"

# The hooks as they are in kernel-hooks/, with the command they run by default set to the packaged one.
hook() {
  local src=$1 dest=$2
  if grep -q '^MKINITRAMFS_TS_DEFAULT=' "$src"; then
    grep -q "^MKINITRAMFS_TS_DEFAULT='mkinitramfs-ts'\$" "$src" || die "$src: its MKINITRAMFS_TS_DEFAULT line is not the placeholder 'mkinitramfs-ts'"
    sed "s|^MKINITRAMFS_TS_DEFAULT='mkinitramfs-ts'\$|MKINITRAMFS_TS_DEFAULT='/usr/bin/mkinitramfs-ts'|" "$src" > "$STAGE/hook"
    put 0755 "$STAGE/hook" "$dest"
  else
    put 0755 "$src" "$dest"
  fi
}
hook kernel-hooks/postinst.d/mkinitramfs-ts /etc/kernel/postinst.d/mkinitramfs-ts
hook kernel-hooks/postrm.d/mkinitramfs-ts /etc/kernel/postrm.d/mkinitramfs-ts
hook kernel-hooks/50-mkinitramfs-ts.install /usr/lib/kernel/install.d/50-mkinitramfs-ts.install
put 0644 scripts/deb/mkinitramfs-ts.conf /etc/mkinitramfs-ts.conf

DOC=/usr/share/doc/mkinitramfs-ts
mkdir -p "$ROOT/usr/share/man/man8" "$ROOT$DOC"
gzip -9n < man/mkinitramfs-ts.8 > "$ROOT/usr/share/man/man8/mkinitramfs-ts.8.gz"
put 0644 completion/mkinitramfs-ts.bash /usr/share/bash-completion/completions/mkinitramfs-ts
put 0644 README.md "$DOC/README.md"
[ "$(node -p 'require("./package.json").license')" = MIT ] || die "package.json's license is no longer MIT: update the copyright file below"
cat > "$ROOT$DOC/copyright" <<'EOF'
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: mkinitramfs-ts
Comment: /usr/lib/mkinitramfs-ts/dist/mkinitramfs-ts.cjs also holds commander (MIT, Copyright 2011 TJ
 Holowaychuk) and smol-toml (BSD-3-Clause, Copyright Squirrel Chat et al.), bundled.

Files: *
Copyright: the mkinitramfs-ts developers
License: Expat
 Permission is hereby granted, free of charge, to any person obtaining a copy of this software and
 associated documentation files (the "Software"), to deal in the Software without restriction,
 including without limitation the rights to use, copy, modify, merge, publish, distribute,
 sublicense, and/or sell copies of the Software, and to permit persons to whom the Software is
 furnished to do so, subject to the following conditions:
 .
 The above copyright notice and this permission notice shall be included in all copies or
 substantial portions of the Software.
 .
 THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT
 NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND
 NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES
 OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN
 CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.
EOF
printf 'mkinitramfs-ts (%s) unstable; urgency=medium\n\n  * Built from git %s.\n\n -- mkinitramfs-ts developers <mkinitramfs-ts@packages.invalid>  %s\n' \
  "$VERSION" "$(git rev-parse --short HEAD 2>/dev/null || echo unknown)" "$(date -u -R -d "@$SOURCE_DATE_EPOCH")" | gzip -9n > "$ROOT$DOC/changelog.gz"
chmod 0644 "$ROOT$DOC"/*

mkdir -p "$ROOT/DEBIAN"
printf '%s\n' /etc/kernel/postinst.d/mkinitramfs-ts /etc/kernel/postrm.d/mkinitramfs-ts /etc/mkinitramfs-ts.conf > "$ROOT/DEBIAN/conffiles"
installed_size=$(du -sk --apparent-size --exclude=DEBIAN "$ROOT" | cut -f1)
sed -e "s/@VERSION@/$VERSION/" -e "s/@INSTALLED_SIZE@/$installed_size/" scripts/deb/control.in > "$ROOT/DEBIAN/control"
(cd "$ROOT" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | LC_ALL=C sort -z | xargs -0 md5sum) > "$ROOT/DEBIAN/md5sums"
chmod 0644 "$ROOT/DEBIAN"/*

find "$ROOT" -type d -exec chmod 0755 {} +
find "$ROOT" -exec touch --no-dereference --date="@$SOURCE_DATE_EPOCH" {} +
mkdir -p dist
dpkg-deb --root-owner-group -Zxz --build "$ROOT" "$STAGE/out.deb" >/dev/null
mv "$STAGE/out.deb" "$OUT"
printf '%s (%s KiB)\n' "$OUT" "$(( $(stat -c %s "$OUT") / 1024 ))"
