#!/usr/bin/env bash
# Downloads the datasets Headwise uses into datasets/ (see datasets/README.md) and checks the
# sha256 of every file. Files already present with the right checksum are left alone.
#
#   datasets/fetch.sh                  download what is missing into datasets/
#   datasets/fetch.sh --dest DIR       ... into DIR instead (same layout)
#   datasets/fetch.sh --from DIR       copy from a local directory with the same layout (an
#                                      offline mirror) instead of downloading
#   datasets/fetch.sh --verify-only DIR
#                                      only check DIR (no network): exit 1 if a file is
#                                      missing or has the wrong checksum
#   datasets/fetch.sh --list           print file, sha256 and source URL of every file
#
# Every file is pinned to a commit of the repository it comes from, so a checksum mismatch
# means a broken download or a tampered file: the script says which and exits 1.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# file (relative to the dataset dir) | sha256 | GitHub repository | commit | path in the repository
manifest() {
  cat <<'EOF'
names.txt|0a30b5557f192f32ab962680889aac5f6fda0f4cecf40a6d0b5694f58ea8cc4d|karpathy/makemore|988aa59e4d8fefa526d06f3b453ad116258398d4|names.txt
wiki/enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.bz2|a53f4648dec40467ebdcbc7a1307eddb51fe6e28e9309f6ebde81ba0d04bea2d|piskvorky/gensim|37f90ec121eb7cd401448a947e80953e0c53ccdc|gensim/test/test_data/enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.bz2
wiki/smallwiki-latest-pages-articles.xml.bz2|c5cfd8f620bab14a032e09b525325a610ecb80ee567f0a2aa02a8fde69441148|spencermountain/dumpster-dive|7de9195ed291130885fd470c5ac6399f5ef262eb|tests/smallwiki-latest-pages-articles.xml.bz2
wiki/tiny_dump.xml.bz2|0dc31f8a8685fda5a4d4e59db5a3264aeac0cc3b1d7a0e7f12de75c69be2a1e3|Zulko/wiki_dump_extractor|4009f00fbabd198e2e353f6ee3cc9e183476c4b5|test/data/tiny_dump.xml.bz2
wiki/enwiki-table-markup.xml.bz2|81415636d4dc79c99147ee52098d9a1b1d977d5727543a81227d85ce5cca9383|piskvorky/gensim|37f90ec121eb7cd401448a947e80953e0c53ccdc|gensim/test/test_data/enwiki-table-markup.xml.bz2
wiki/bgwiki-latest-pages-articles-shortened.xml.bz2|8c67571ec18cb8f0f77a91ab2ee4a04c9368684358e40b94d95670f909210355|piskvorky/gensim|37f90ec121eb7cd401448a947e80953e0c53ccdc|gensim/test/test_data/bgwiki-latest-pages-articles-shortened.xml.bz2
gpt2-tokenizer/encoder.json|196139668be63f3b5d6574427317ae82f612a97c5d1cdaf36ed2256dbf636783|graykode/gpt-2-Pytorch|401078fde5e85475590dc04c9ed11b79332b8717|GPT2/encoder.json
gpt2-tokenizer/vocab.bpe|1ce1664773c50f3e0cc8842619a93edc4624525b728b188a9e0be33b7726adc5|graykode/gpt-2-Pytorch|401078fde5e85475590dc04c9ed11b79332b8717|GPT2/vocab.bpe
EOF
}

usage() {
  sed -n '2,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit "${1:-2}"
}

url() { printf 'https://raw.githubusercontent.com/%s/%s/%s' "$1" "$2" "$3"; }

say() { printf '%s\n' "$*" >&2; }

sha256_of() {
  if command -v sha256sum >/dev/null; then
    sha256sum "$1" | cut -d' ' -f1
  else
    shasum -a 256 "$1" | cut -d' ' -f1
  fi
}

# Copies or downloads one file to $2; returns non-zero when that fails.
get() {
  local source=$1 out=$2
  if [[ -n $from ]]; then
    cp "$source" "$out"
  elif command -v curl >/dev/null; then
    curl -fsSL --retry 3 -o "$out" "$source"
  elif command -v wget >/dev/null; then
    wget -q -O "$out" "$source"
  else
    say "fetch.sh: neither curl nor wget is installed"
    return 1
  fi
}

dest=$here
from=
verify_only=false
while [[ $# -gt 0 ]]; do
  case $1 in
    --dest) [[ $# -ge 2 ]] || usage; dest=$2; shift 2 ;;
    --from) [[ $# -ge 2 ]] || usage; from=$2; shift 2 ;;
    --verify-only) [[ $# -ge 2 ]] || usage; dest=$2; verify_only=true; shift 2 ;;
    --list)
      manifest | while IFS='|' read -r file sha repo commit path; do
        printf '%s  %s  %s\n' "$file" "$sha" "$(url "$repo" "$commit" "$path")"
      done
      exit 0
      ;;
    -h | --help) usage 0 ;;
    *) say "fetch.sh: unknown argument '$1'"; usage ;;
  esac
done
if [[ -n $from && ! -d $from ]]; then
  say "fetch.sh: --from: '$from' is not a directory"
  exit 2
fi
if $verify_only && [[ ! -d $dest ]]; then
  say "fetch.sh: --verify-only: '$dest' is not a directory"
  exit 2
fi

failed=0
while IFS='|' read -r file sha repo commit path; do
  target=$dest/$file
  if [[ -f $target ]]; then
    actual=$(sha256_of "$target")
    if [[ $actual == "$sha" ]]; then
      say "ok        $file"
      continue
    fi
    if $verify_only; then
      say "MISMATCH  $file: sha256 $actual, expected $sha"
      failed=1
      continue
    fi
    say "replacing $file: sha256 $actual, expected $sha"
  elif $verify_only; then
    say "MISSING   $file"
    failed=1
    continue
  fi

  if [[ -n $from ]]; then
    source=$from/$file
  else
    source=$(url "$repo" "$commit" "$path")
  fi
  mkdir -p "$(dirname "$target")"
  part=$target.part
  if ! get "$source" "$part"; then
    rm -f "$part"
    say "FAILED    $file: could not get $source"
    failed=1
    continue
  fi
  actual=$(sha256_of "$part")
  if [[ $actual != "$sha" ]]; then
    rm -f "$part"
    say "MISMATCH  $file from $source: sha256 $actual, expected $sha (file discarded)"
    failed=1
    continue
  fi
  mv -f "$part" "$target"
  say "fetched   $file"
done < <(manifest)

if [[ $failed -ne 0 ]]; then
  say "fetch.sh: some files are missing or wrong (see above)"
  exit 1
fi
