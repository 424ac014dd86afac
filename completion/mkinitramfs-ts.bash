# bash completion for mkinitramfs-ts                                  -*- shell-script -*-
# Install as /usr/share/bash-completion/completions/mkinitramfs-ts.

_mkinitramfs_ts_commands='build explain capture-host check-host update install-hooks modules deps ldd ls cat extract diff verify help'

_mkinitramfs_ts_build_flags='-o --output -k --kver --sysroot --kmoddir --sysfs --procfs -c --conf --confdir
  -H --hostonly -N --no-hostonly --compress -a --add --omit --add-drivers --omit-drivers --force-drivers
  --filesystems -i --install --early-microcode --no-early-microcode --kernel-cmdline --root-timeout --keymap
  --uki --no-uki --kernel-image --secureboot-key --secureboot-cert
  --trust-sysroot-scripts -v --verbose -q --quiet --reproducible -f --force --dry-run --json --no-verify --fallback-generic -h --help'

_mkinitramfs_ts_flags() {
    case $1 in
        build | explain) echo "$_mkinitramfs_ts_build_flags" ;;
        capture-host) echo '--sysroot --sysfs --procfs -h --help' ;;
        check-host) echo '--sysroot --sysfs --procfs --json --max-decompressed -h --help' ;;
        update) echo '--all --sysroot -c --conf --confdir -j --jobs -n --dry-run -v --verbose -q --quiet -h --help' ;;
        install-hooks) echo '--sysroot --uninstall --plugin-dir --debian-hooks --no-debian-hooks --command -f --force -h --help' ;;
        modules) echo '--sysroot --json -h --help' ;;
        deps) echo '--sysroot --kver --kmoddir --json -h --help' ;;
        ldd) echo '--sysroot --json -h --help' ;;
        ls | diff) echo '--json --max-decompressed -h --help' ;;
        verify) echo '--kver --secureboot-cert --json --max-decompressed -h --help' ;;
        cat) echo '--max-decompressed -h --help' ;;
        extract) echo '--preserve --max-decompressed -h --help' ;;
    esac
}

# The value of --sysroot already on the command line, for listing that root's kernels and features.
_mkinitramfs_ts_sysroot() {
    local i
    for ((i = 1; i < COMP_CWORD; i++)); do
        if [[ ${COMP_WORDS[i]} == --sysroot ]]; then
            echo "${COMP_WORDS[i + 1]}"
            return
        fi
    done
    echo /
}

_mkinitramfs_ts_kernels() {
    local root d
    root=$(_mkinitramfs_ts_sysroot)
    for d in "$root"/lib/modules/* "$root"/usr/lib/modules/*; do
        [[ -d $d ]] && echo "${d##*/}"
    done | sort -u
}

_mkinitramfs_ts_features() {
    # the first column of `mkinitramfs-ts modules` is the feature name
    "${COMP_WORDS[0]}" modules --sysroot "$(_mkinitramfs_ts_sysroot)" 2>/dev/null | while read -r name _; do echo "$name"; done
}

_mkinitramfs_ts() {
    local cur prev cmd i
    COMPREPLY=()
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD - 1]}

    cmd=
    for ((i = 1; i < COMP_CWORD; i++)); do
        case ${COMP_WORDS[i]} in
            -*) ;;
            *)
                if [[ " $_mkinitramfs_ts_commands " == *" ${COMP_WORDS[i]} "* ]]; then
                    cmd=${COMP_WORDS[i]}
                    break
                fi
                ;;
        esac
    done

    case $prev in
        -o | --output | -c | --conf | -i | --install)
            compopt -o filenames 2>/dev/null
            mapfile -t COMPREPLY < <(compgen -f -- "$cur")
            return
            ;;
        --sysroot | --kmoddir | --sysfs | --procfs | --confdir | --plugin-dir)
            compopt -o filenames 2>/dev/null
            mapfile -t COMPREPLY < <(compgen -d -- "$cur")
            return
            ;;
        -k | --kver)
            mapfile -t COMPREPLY < <(compgen -W "$(_mkinitramfs_ts_kernels)" -- "$cur")
            return
            ;;
        --compress)
            mapfile -t COMPREPLY < <(compgen -W 'gzip zstd xz lz4 none gzip:9 zstd:19 xz:6 lz4:9' -- "$cur")
            return
            ;;
        --max-decompressed)
            mapfile -t COMPREPLY < <(compgen -W '256M 1G 4G 8G' -- "$cur")
            return
            ;;
        -a | --add | --omit)
            mapfile -t COMPREPLY < <(compgen -W "$(_mkinitramfs_ts_features)" -- "$cur")
            return
            ;;
        -j | --jobs | --root-timeout | --keymap | --kernel-cmdline | --add-drivers | --omit-drivers | --force-drivers | --filesystems | --command)
            return
            ;;
    esac

    if [[ $cur == -* ]]; then
        mapfile -t COMPREPLY < <(compgen -W "$(_mkinitramfs_ts_flags "${cmd:-build}") -V --version" -- "$cur")
        return
    fi
    case $cmd in
        '') mapfile -t COMPREPLY < <(compgen -W "$_mkinitramfs_ts_commands" -- "$cur") ;;
        update) mapfile -t COMPREPLY < <(compgen -W "$(_mkinitramfs_ts_kernels)" -- "$cur") ;;
        build | ls | cat | extract | diff | verify | ldd)
            compopt -o filenames 2>/dev/null
            mapfile -t COMPREPLY < <(compgen -f -- "$cur")
            ;;
    esac
}

complete -F _mkinitramfs_ts mkinitramfs-ts
