// Recognising a connection that a process of this cluster opened back to it (see
// session_origin.hpp). Runs at connection start, and only for roles that would otherwise
// be exempt, so no other connection and no statement pays for it.
#include "session_origin.hpp"
#include "proc_text.hpp"
#include "session_role.hpp"

extern "C" {
#include "libpq/auth.h"
#include "libpq/libpq-be.h"
#include "miscadmin.h"
#include "port/atomics.h"
#include "storage/ipc.h"
#include "storage/proc.h"
#include "storage/procarray.h"
#include "storage/shmem.h"
}

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#ifdef __linux__
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#endif
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

namespace redline::session_origin {

namespace {

// One entry per backend slot: a session recognised as opened by this cluster publishes on
// whose behalf, so that a connection it opens in turn is held to the same first session.
struct Entry {
    volatile pid_t pid; // the owner; 0 when free. Written last, after `root`.
    Oid root;
};
Entry *entries = nullptr;
shmem_request_hook_type prev_shmem_request = nullptr;
shmem_startup_hook_type prev_shmem_startup = nullptr;
ClientAuthentication_hook_type prev_client_auth = nullptr;

enum class State { unexamined, elsewhere, this_server };
State state = State::unexamined;
pid_t peer_pid = 0;   // the process at the other end
pid_t origin_pid = 0; // the cluster process it is or descends from
Oid root = InvalidOid;

Size entries_size() { return mul_size(sizeof(Entry), MaxBackends); }

// A process's slot among the backends' (by position: PGPROC has no number of its own on
// every major version), or -1.
int slot_of(const PGPROC *proc)
{
    ptrdiff_t slot = proc != nullptr ? proc - ProcGlobal->allProcs : -1;
    return slot >= 0 && slot < MaxBackends ? static_cast<int>(slot) : -1;
}

void request_shmem()
{
    if (prev_shmem_request != nullptr)
        prev_shmem_request();
    RequestAddinShmemSpace(MAXALIGN(entries_size()));
}

void startup_shmem()
{
    if (prev_shmem_startup != nullptr)
        prev_shmem_startup();
    LWLockAcquire(AddinShmemInitLock, LW_EXCLUSIVE);
    bool found = false;
    entries = static_cast<Entry *>(ShmemInitStruct("redline session origins", entries_size(), &found));
    if (!found)
        memset(entries, 0, entries_size());
    LWLockRelease(AddinShmemInitLock);
}

void clear_entry(int, Datum)
{
    int slot = slot_of(MyProc);
    if (entries != nullptr && slot >= 0)
        entries[slot].pid = 0;
}

void publish(Oid role)
{
    int slot = slot_of(MyProc);
    if (entries == nullptr || slot < 0)
        return;
    Entry *e = &entries[slot];
    e->root = role;
    pg_write_barrier();
    e->pid = MyProcPid;
    before_shmem_exit(clear_entry, (Datum)0);
}

// On whose behalf a process of this cluster runs: what it published if it was itself
// opened by this cluster, else its own login role.
Oid behalf_of(const PGPROC *proc, pid_t pid)
{
    int slot = slot_of(proc);
    if (entries != nullptr && slot >= 0) {
        const Entry *e = &entries[slot];
        pid_t before = e->pid;
        pg_read_barrier();
        Oid published = e->root;
        pg_read_barrier();
        if (before == pid && e->pid == pid)
            return published;
    }
    Oid role = proc->roleId;
    pg_read_barrier();
    return proc->pid == pid ? role : InvalidOid; // a slot taken over since is no one's behalf
}

#ifdef __linux__

long parent_of(pid_t pid)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/stat", static_cast<int>(pid));
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    char text[512];
    ssize_t n = read(fd, text, sizeof text - 1);
    close(fd);
    if (n <= 0)
        return -1;
    return proc_text::stat_parent(std::string_view(text, static_cast<size_t>(n)));
}

// The process of this cluster that `pid` is or descends from (a program a backend
// started, through any number of shells); 0 when it is none. The postmaster's other
// children (the archiver's archive_command, say) are the configuration's, not a session's.
pid_t cluster_ancestor(pid_t pid, PGPROC **proc)
{
    for (int depth = 0; depth < 64 && pid > 1 && pid != PostmasterPid; depth++) {
        if (pid != MyProcPid) {
            PGPROC *found = BackendPidGetProc(pid);
            if (found != nullptr) {
                *proc = found;
                return pid;
            }
        }
        long parent = parent_of(pid);
        if (parent <= 0 || parent == pid)
            return 0;
        pid = static_cast<pid_t>(parent);
    }
    return 0;
}

pid_t unix_peer(const Port *port)
{
    struct ucred cred;
    socklen_t len = sizeof cred;
    if (getsockopt(port->sock, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0 || len != sizeof cred)
        return 0;
    return cred.pid;
}

// An IP address in both the forms the socket tables may list it in: IPv4 (one word) when
// it is one, and IPv6 (four words, IPv4 mapped as ::ffff:a.b.c.d).
struct Address {
    bool has_v4 = false;
    uint32 v4 = 0;
    uint32 v6[4] = {0, 0, 0, 0};
    unsigned port = 0;
};

bool read_address(const SockAddr *addr, Address *out)
{
    if (addr->addr.ss_family == AF_INET) {
        const auto *in = reinterpret_cast<const struct sockaddr_in *>(&addr->addr);
        out->has_v4 = true;
        memcpy(&out->v4, &in->sin_addr, 4);
        static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
        memcpy(out->v6, mapped, 12);
        memcpy(&out->v6[3], &in->sin_addr, 4);
        out->port = ntohs(in->sin_port);
        return true;
    }
    if (addr->addr.ss_family == AF_INET6) {
        const auto *in6 = reinterpret_cast<const struct sockaddr_in6 *>(&addr->addr);
        memcpy(out->v6, &in6->sin6_addr, 16);
        out->has_v4 = IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr);
        if (out->has_v4)
            out->v4 = out->v6[3];
        out->port = ntohs(in6->sin6_port);
        return true;
    }
    return false;
}

bool same_host_address(const Address &a, const Address &b)
{
    if (a.has_v4 && b.has_v4)
        return a.v4 == b.v4;
    return memcmp(a.v6, b.v6, sizeof a.v6) == 0;
}

// Whether a client address is one of this host's: loopback, the address it reached us
// on, or an address of one of its interfaces.
bool local_address(const Address &peer, const Address &ours)
{
    static const unsigned char v6_loopback[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    if (peer.has_v4 && (reinterpret_cast<const unsigned char *>(&peer.v4)[0] == 127))
        return true;
    if (memcmp(peer.v6, v6_loopback, 16) == 0 || same_host_address(peer, ours))
        return true;
    struct ifaddrs *list = nullptr;
    if (getifaddrs(&list) != 0)
        return false;
    bool found = false;
    for (struct ifaddrs *i = list; i != nullptr && !found; i = i->ifa_next) {
        if (i->ifa_addr == nullptr)
            continue;
        SockAddr one;
        memset(&one, 0, sizeof one);
        if (i->ifa_addr->sa_family == AF_INET)
            memcpy(&one.addr, i->ifa_addr, sizeof(struct sockaddr_in));
        else if (i->ifa_addr->sa_family == AF_INET6)
            memcpy(&one.addr, i->ifa_addr, sizeof(struct sockaddr_in6));
        else
            continue;
        Address a;
        found = read_address(&one, &a) && same_host_address(peer, a);
    }
    freeifaddrs(list);
    return found;
}

// The socket whose local end is `peer` and remote end is `ours`, asked of the kernel by
// its endpoints (sock_diag): one lookup, whatever the number of sockets. 1 when found, 0
// when there is no such socket, -1 when the kernel could not be asked.
int ask_kernel(const Address &peer, const Address &ours, proc_text::NetSocket *found)
{
    int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
    if (fd < 0)
        return -1;
    struct {
        struct nlmsghdr header;
        struct inet_diag_req_v2 request;
    } message;
    memset(&message, 0, sizeof message);
    message.header.nlmsg_len = sizeof message;
    message.header.nlmsg_type = SOCK_DIAG_BY_FAMILY;
    message.header.nlmsg_flags = NLM_F_REQUEST;
    bool v4 = peer.has_v4 && ours.has_v4;
    inet_diag_req_v2 *req = &message.request;
    req->sdiag_family = v4 ? AF_INET : AF_INET6;
    req->sdiag_protocol = IPPROTO_TCP;
    req->idiag_states = ~0U;
    req->id.idiag_sport = htons(static_cast<uint16>(peer.port));
    req->id.idiag_dport = htons(static_cast<uint16>(ours.port));
    memcpy(req->id.idiag_src, v4 ? &peer.v4 : peer.v6, v4 ? 4 : 16);
    memcpy(req->id.idiag_dst, v4 ? &ours.v4 : ours.v6, v4 ? 4 : 16);
    req->id.idiag_cookie[0] = INET_DIAG_NOCOOKIE;
    req->id.idiag_cookie[1] = INET_DIAG_NOCOOKIE;
    struct sockaddr_nl kernel;
    memset(&kernel, 0, sizeof kernel);
    kernel.nl_family = AF_NETLINK;
    int result = -1;
    // The kernel answers a single lookup while it takes the request: never wait for it.
    if (sendto(fd, &message, sizeof message, 0, reinterpret_cast<struct sockaddr *>(&kernel), sizeof kernel) ==
        static_cast<ssize_t>(sizeof message)) {
        alignas(struct nlmsghdr) char reply[4096];
        ssize_t n = recv(fd, reply, sizeof reply, MSG_DONTWAIT);
        auto *h = reinterpret_cast<struct nlmsghdr *>(reply);
        if (n > 0 && NLMSG_OK(h, static_cast<size_t>(n))) {
            if (h->nlmsg_type == NLMSG_ERROR) {
                const auto *error = static_cast<const struct nlmsgerr *>(NLMSG_DATA(h));
                result = error->error == -ENOENT ? 0 : -1;
            } else if (h->nlmsg_type == SOCK_DIAG_BY_FAMILY &&
                       h->nlmsg_len >= NLMSG_LENGTH(sizeof(struct inet_diag_msg))) {
                const auto *socket = static_cast<const struct inet_diag_msg *>(NLMSG_DATA(h));
                found->inode = socket->idiag_inode;
                found->uid = socket->idiag_uid;
                result = found->inode != 0 ? 1 : 0;
            }
        }
    }
    close(fd);
    return result;
}

// The same from the socket tables' text, where the kernel cannot be asked: reads every
// socket of the host.
bool find_socket(const char *table, bool v4, const Address &peer, const Address &ours, proc_text::NetSocket *found)
{
    char local[48], remote[48];
    if (!proc_text::net_endpoint(v4 ? &peer.v4 : peer.v6, v4 ? 1 : 4, peer.port, local, sizeof local) ||
        !proc_text::net_endpoint(v4 ? &ours.v4 : ours.v6, v4 ? 1 : 4, ours.port, remote, sizeof remote))
        return false;
    FILE *file = fopen(table, "re");
    if (file == nullptr)
        return false;
    char line[512];
    bool matched = false;
    while (!matched && fgets(line, sizeof line, file) != nullptr)
        matched = proc_text::net_line_matches(line, local, remote, found);
    fclose(file);
    return matched;
}

bool holds_socket(pid_t pid, unsigned long inode)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/fd", static_cast<int>(pid));
    DIR *dir = opendir(path);
    if (dir == nullptr)
        return false;
    bool held = false;
    struct dirent *d;
    while (!held && (d = readdir(dir)) != nullptr) {
        char link[64];
        ssize_t n = readlinkat(dirfd(dir), d->d_name, link, sizeof link - 1);
        held = n > 0 && proc_text::socket_link_inode(std::string_view(link, static_cast<size_t>(n))) == inode;
    }
    closedir(dir);
    return held;
}

// The children of a process's main thread as the kernel lists them, appended to `out`:
// their number, or -1 when the kernel does not list them or they do not fit.
int children_of(pid_t pid, pid_t *out, int capacity)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/task/%d/children", static_cast<int>(pid), static_cast<int>(pid));
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return errno == ENOENT && kill(pid, 0) != 0 ? 0 : -1; // a process that ended has none
    char text[1024];
    ssize_t n = read(fd, text, sizeof text);
    close(fd);
    if (n < 0 || n == static_cast<ssize_t>(sizeof text))
        return -1;
    long pids[64];
    int count = proc_text::parse_children(std::string_view(text, static_cast<size_t>(n)), pids, lengthof(pids));
    if (count < 0 || count > capacity)
        return -1;
    for (int i = 0; i < count; i++)
        out[i] = static_cast<pid_t>(pids[i]);
    return count;
}

// Every process of this OS user, where the kernel does not list children: the holder is
// traced to the cluster afterwards.
pid_t any_holder(unsigned long inode)
{
    DIR *dir = opendir("/proc");
    if (dir == nullptr)
        return 0;
    pid_t holder = 0;
    uid_t me = geteuid();
    struct dirent *d;
    while (holder == 0 && (d = readdir(dir)) != nullptr) {
        char *end = nullptr;
        long pid = strtol(d->d_name, &end, 10);
        struct stat st;
        if (end == d->d_name || *end != '\0' || pid <= 0 || pid == MyProcPid ||
            fstatat(dirfd(dir), d->d_name, &st, 0) != 0 || st.st_uid != me)
            continue;
        if (holds_socket(static_cast<pid_t>(pid), inode))
            holder = static_cast<pid_t>(pid);
    }
    closedir(dir);
    return holder;
}

// Which process of this cluster, or program one of them started, holds a socket: the
// cluster's own processes (dblink, postgres_fdw and untrusted languages connect from the
// backend itself), then their descendants. Only these are read, so a busy host's other
// processes cost nothing; other OS users' processes cannot be read anyway.
pid_t socket_holder(unsigned long inode)
{
    const int descendants = 256;
    int capacity = MaxBackends + descendants;
    auto *queue = static_cast<pid_t *>(palloc(sizeof(pid_t) * capacity));
    int n = 0;
    for (int i = 0; i < MaxBackends; i++) {
        pid_t pid = ProcGlobal->allProcs[i].pid;
        if (pid > 0 && pid != MyProcPid)
            queue[n++] = pid;
    }
    pid_t holder = 0;
    bool complete = true;
    for (int i = 0; i < n && holder == 0; i++) {
        if (holds_socket(queue[i], inode)) {
            holder = queue[i];
        } else if (complete) {
            int more = children_of(queue[i], queue + n, capacity - n);
            if (more < 0)
                complete = false;
            else
                n += more;
        }
    }
    pfree(queue);
    return holder != 0 || complete ? holder : any_holder(inode);
}

pid_t tcp_peer(const Port *port)
{
    Address peer, ours;
    if (!read_address(&port->raddr, &peer) || !read_address(&port->laddr, &ours) || !local_address(peer, ours))
        return 0;
    proc_text::NetSocket socket;
    int asked = ask_kernel(peer, ours, &socket);
    bool found =
        asked > 0 ||
        (asked < 0 && ((peer.has_v4 && ours.has_v4 && find_socket("/proc/net/tcp", true, peer, ours, &socket)) ||
                       find_socket("/proc/net/tcp6", false, peer, ours, &socket)));
    // A socket another OS user created is held by a process this one cannot read.
    if (!found || socket.uid != static_cast<unsigned long>(geteuid()))
        return 0;
    return socket_holder(socket.inode);
}

#endif

void client_auth(Port *port, int status)
{
    if (prev_client_auth != nullptr)
        prev_client_auth(port, status);
    // Only a role that would be exempt needs to know: for every other role the session is
    // held to the lock whoever opened it.
    if (status == STATUS_OK && port->user_name != nullptr && name_is_exempt(port->user_name))
        examine();
}

} // namespace

void install()
{
    prev_shmem_request = shmem_request_hook;
    shmem_request_hook = request_shmem;
    prev_shmem_startup = shmem_startup_hook;
    shmem_startup_hook = startup_shmem;
    prev_client_auth = ClientAuthentication_hook;
    ClientAuthentication_hook = client_auth;
}

void examine()
{
    if (state != State::unexamined)
        return;
    state = State::elsewhere;
#ifdef __linux__
    if (MyProcPort == nullptr || MyProc == nullptr)
        return;
    sa_family_t family = MyProcPort->raddr.addr.ss_family;
    pid_t peer = family == AF_UNIX ? unix_peer(MyProcPort) : tcp_peer(MyProcPort);
    if (peer <= 0)
        return;
    PGPROC *proc = nullptr;
    pid_t origin = cluster_ancestor(peer, &proc);
    if (origin == 0)
        return;
    state = State::this_server;
    peer_pid = peer;
    origin_pid = origin;
    root = behalf_of(proc, origin);
    publish(root);
#endif
}

bool from_this_server() { return state == State::this_server; }

Oid on_behalf_of() { return root; }

const char *describe()
{
    static char text[96];
    if (state != State::this_server)
        return nullptr;
    if (peer_pid == origin_pid)
        snprintf(text, sizeof text, "backend PID %d", static_cast<int>(origin_pid));
    else
        snprintf(text, sizeof text, "process PID %d, started by backend PID %d", static_cast<int>(peer_pid),
                 static_cast<int>(origin_pid));
    return text;
}

} // namespace redline::session_origin
