#!/usr/bin/env python3
"""Runs a command under the system call filter and the W^X rule of the Gantry units, without systemd, so that a
test (PackagingTests) or an engineer can see the binaries work under them on any Linux 6.3 or later:
  provisioning/systemd/sandbox-run.py gantry-hub serve --config hub.conf
NoNewPrivileges=yes; SystemCallFilter=@system-service then ~@privileged @resources, SystemCallErrorNumber=EPERM
(the lists come from this host's systemd-analyze syscall-filter; the filter is loaded with libseccomp, as systemd
does, for the native architecture only); MemoryDenyWriteExecute=yes as the kernel's PR_SET_MDWE (no mapping may
become writable and executable)."""
import ctypes, os, subprocess, sys

def expand(group, seen=None):
    seen = set() if seen is None else seen
    out = subprocess.run(["systemd-analyze", "syscall-filter", group], capture_output=True, text=True, check=True).stdout
    names = set()
    for line in out.splitlines()[1:]:
        word = line.strip()
        if not word or word.startswith("#"):
            continue
        if word.startswith("@"):
            if word not in seen:
                seen.add(word)
                names |= expand(word, seen)
        else:
            names.add(word)
    return names

allowed = expand("@system-service") - expand("@privileged") - expand("@resources")
libc = ctypes.CDLL(None, use_errno=True)
seccomp = ctypes.CDLL("libseccomp.so.2")
seccomp.seccomp_init.restype = ctypes.c_void_p
seccomp.seccomp_init.argtypes = [ctypes.c_uint32]
seccomp.seccomp_rule_add.argtypes = [ctypes.c_void_p, ctypes.c_uint32, ctypes.c_int, ctypes.c_uint]
seccomp.seccomp_syscall_resolve_name.argtypes = [ctypes.c_char_p]
seccomp.seccomp_load.argtypes = [ctypes.c_void_p]
EPERM = 1
ctx = seccomp.seccomp_init(0x00050000 | EPERM)  # SCMP_ACT_ERRNO(EPERM) for all but the allowed
count = 0
for name in sorted(allowed):
    number = seccomp.seccomp_syscall_resolve_name(name.encode())
    if number < 0:
        continue
    if seccomp.seccomp_rule_add(ctx, 0x7FFF0000, number, 0) == 0:  # SCMP_ACT_ALLOW
        count += 1
assert libc.prctl(38, 1, 0, 0, 0) == 0, "PR_SET_NO_NEW_PRIVS"
assert libc.prctl(65, 1, 0, 0, 0) == 0, "PR_SET_MDWE (REFUSE_EXEC_GAIN) %d" % ctypes.get_errno()
assert seccomp.seccomp_load(ctx) == 0, "seccomp_load"
sys.stderr.write("sandbox: %d system calls allowed, W^X on\n" % count)
os.execvp(sys.argv[1], sys.argv[1:])
