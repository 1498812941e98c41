// Test helper: makes keys and mints redline tokens for the server tests, including tokens a
// careful minter never would (expired, tampered, for another cluster), to probe refusals.
#include <claims.hpp>
#include <footer.hpp>
#include <keys.hpp>
#include <paserk.hpp>
#include <paseto.hpp>
#include <rfc3339.hpp>
#include <token_id.hpp>

#include <libpq-fe.h>
#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <fstream>
#include <optional>
#include <stdexcept>
#include <string>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace {

using namespace redline::token;

constexpr const char *usage =
    "usage: redline_test_token keygen FILE\n"
    "       redline_test_token kid PUBLIC_OR_SECRET_PASERK_OR_FILE\n"
    "       redline_test_token mint SECRET_FILE --sub ROLE [--env E] [--cid C] [--scope session|approve]\n"
    "                          [--op OP] [--obj OBJ] [--ttl SECONDS] [--iat-offset SECONDS] [--nbf-offset SECONDS]\n"
    "                          [--jti J] [--amr a,b] [--kid K] [--tamper]\n"
    "  mint reads redline.environment and redline.cluster_id from the server (PG* variables) when --env or --cid\n"
    "  is not given; --ttl defaults to 600, --amr to swk, --kid to the key's k4.pid, --jti to 128 random bits.\n";

// A mistake in how the helper was called (exit 2), as opposed to a failure (exit 1).
struct UsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

std::string first_line(const std::string &path)
{
    std::ifstream in(path);
    if (!in)
        throw std::runtime_error("cannot read " + path + ": " + std::strerror(errno));
    std::string line;
    std::getline(in, line);
    return line;
}

SecretKey read_secret(const std::string &path)
{
    auto secret = parse_paserk_secret(first_line(path));
    if (!secret)
        throw std::runtime_error(path + " does not hold a PASERK k4.secret");
    return *secret;
}

std::string pid_of(const PublicKey &key)
{
    auto pid = paserk_pid(key);
    if (!pid)
        throw std::runtime_error("cannot compute the key id");
    return *pid;
}

long long integer(const std::string &option, const std::string &text)
{
    std::size_t used = 0;
    long long value = 0;
    try {
        value = std::stoll(text, &used);
    } catch (const std::exception &) {
        used = 0;
    }
    if (used == 0 || used != text.size())
        throw UsageError(option + " needs a whole number of seconds, not \"" + text + "\"");
    return value;
}

int keygen(const std::vector<std::string> &args)
{
    if (args.size() != 1)
        throw UsageError("keygen takes one FILE");
    auto pair = generate_keypair();
    if (!pair)
        throw std::runtime_error("the random generator failed");
    auto secret = paserk_secret(pair->secret);
    auto public_key = paserk_public(pair->public_key);
    if (!secret || !public_key)
        throw std::runtime_error("cannot encode the key");
    const std::string &path = args[0];
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0)
        throw std::runtime_error("cannot create " + path + ": " + std::strerror(errno));
    // An existing file keeps its mode through O_CREAT: tighten it before the key is written.
    std::string content = *secret + "\n";
    bool ok = ::fchmod(fd, 0600) == 0 && ::write(fd, content.data(), content.size()) == ssize_t(content.size());
    int err = errno;
    ok = ::close(fd) == 0 && ok;
    if (!ok)
        throw std::runtime_error("cannot write " + path + ": " + std::strerror(err));
    std::printf("%s\n", public_key->c_str());
    return 0;
}

int kid(const std::vector<std::string> &args)
{
    if (args.size() != 1)
        throw UsageError("kid takes one PASERK or FILE");
    std::string text = args[0].rfind("k4.", 0) == 0 ? args[0] : first_line(args[0]);
    std::optional<PublicKey> key = parse_paserk_public(text);
    if (!key)
        if (auto secret = parse_paserk_secret(text))
            key = public_half(*secret);
    if (!key)
        throw std::runtime_error("not a PASERK k4.public or k4.secret");
    std::printf("%s\n", pid_of(*key).c_str());
    return 0;
}

struct MintOptions {
    std::string secret_file;
    std::optional<std::string> sub, env, cid, op, obj, jti, kid;
    Scope scope = Scope::session;
    long long ttl = 600;
    long long iat_offset = 0;
    std::optional<long long> nbf_offset;
    std::vector<std::string> amr{"swk"};
    bool tamper = false;
};

std::vector<std::string> split_commas(const std::string &text)
{
    std::vector<std::string> parts;
    std::size_t start = 0;
    for (std::size_t comma; (comma = text.find(',', start)) != std::string::npos; start = comma + 1)
        parts.push_back(text.substr(start, comma - start));
    parts.push_back(text.substr(start));
    return parts;
}

MintOptions parse_mint(const std::vector<std::string> &args)
{
    MintOptions o;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string &arg = args[i];
        if (arg == "--tamper") {
            o.tamper = true;
            continue;
        }
        if (arg.rfind("--", 0) != 0) {
            if (!o.secret_file.empty())
                throw UsageError("unexpected argument \"" + arg + "\"");
            o.secret_file = arg;
            continue;
        }
        if (i + 1 == args.size())
            throw UsageError(arg + " needs a value");
        const std::string &value = args[++i];
        if (arg == "--sub")
            o.sub = value;
        else if (arg == "--env")
            o.env = value;
        else if (arg == "--cid")
            o.cid = value;
        else if (arg == "--op")
            o.op = value;
        else if (arg == "--obj")
            o.obj = value;
        else if (arg == "--jti")
            o.jti = value;
        else if (arg == "--kid")
            o.kid = value;
        else if (arg == "--amr")
            o.amr = split_commas(value);
        else if (arg == "--ttl")
            o.ttl = integer(arg, value);
        else if (arg == "--iat-offset")
            o.iat_offset = integer(arg, value);
        else if (arg == "--nbf-offset")
            o.nbf_offset = integer(arg, value);
        else if (arg == "--scope" && (value == "session" || value == "approve"))
            o.scope = value == "approve" ? Scope::approve : Scope::session;
        else if (arg == "--scope")
            throw UsageError("--scope is session or approve, not \"" + value + "\"");
        else
            throw UsageError("unknown option " + arg);
    }
    if (o.secret_file.empty())
        throw UsageError("mint needs a SECRET_FILE");
    if (!o.sub)
        throw UsageError("mint needs --sub ROLE");
    return o;
}

// The server's own values for what a token is bound to, read over one connection that the
// standard PG* variables describe.
void read_server_binding(MintOptions &o)
{
    const char *keywords[] = {"fallback_application_name", nullptr};
    const char *values[] = {"redline_test_token", nullptr};
    PGconn *conn = PQconnectdbParams(keywords, values, 0);
    auto show = [&](const char *setting) {
        PGresult *res = PQexec(conn, (std::string("SHOW ") + setting).c_str());
        bool ok = PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1;
        std::string value = ok ? PQgetvalue(res, 0, 0) : PQresultErrorMessage(res);
        PQclear(res);
        while (!ok && !value.empty() && value.back() == '\n')
            value.pop_back();
        if (!ok)
            throw std::runtime_error(std::string("SHOW ") + setting + ": " + value);
        return value;
    };
    try {
        if (PQstatus(conn) != CONNECTION_OK)
            throw std::runtime_error(std::string("cannot connect to read --env/--cid: ") + PQerrorMessage(conn));
        if (!o.env)
            o.env = show("redline.environment");
        if (!o.cid)
            o.cid = show("redline.cluster_id");
    } catch (...) {
        PQfinish(conn);
        throw;
    }
    PQfinish(conn);
}

std::string time_claim(UnixSeconds t)
{
    auto text = format_rfc3339(t);
    if (!text)
        throw std::runtime_error("time " + std::to_string(t) + " has no RFC 3339 form");
    return *text;
}

// The claims as JSON, also when they break the library's rules (exp before iat, an unknown
// amr...): the server must refuse such a token, and a test needs one to show it does.
std::string payload(const Claims &c)
{
    auto checked = serialize_claims(c);
    if (checked.ok())
        return checked.json;
    nlohmann::json doc = {{"sub", c.sub},
                          {"env", c.env},
                          {"cid", c.cid},
                          {"scope", scope_name(c.scope)},
                          {"iat", time_claim(c.iat)},
                          {"exp", time_claim(c.exp)},
                          {"jti", c.jti},
                          {"amr", c.amr}};
    if (c.op)
        doc["op"] = *c.op;
    if (c.obj)
        doc["obj"] = *c.obj;
    if (c.nbf)
        doc["nbf"] = time_claim(*c.nbf);
    return doc.dump();
}

std::string footer(const std::string &kid)
{
    auto checked = serialize_footer(kid);
    return checked.ok() ? checked.json : nlohmann::json{{"kid", kid}}.dump();
}

int mint(const std::vector<std::string> &args)
{
    MintOptions o = parse_mint(args);
    SecretKey secret = read_secret(o.secret_file);
    if (!o.env || !o.cid)
        read_server_binding(o);

    UnixSeconds now = std::time(nullptr);
    Claims c;
    c.sub = *o.sub;
    c.env = *o.env;
    c.cid = *o.cid;
    c.scope = o.scope;
    c.op = o.op;
    c.obj = o.obj;
    c.iat = now + o.iat_offset;
    c.exp = c.iat + o.ttl;
    if (o.nbf_offset)
        c.nbf = now + *o.nbf_offset;
    if (o.jti) {
        c.jti = *o.jti;
    } else {
        auto id = new_token_id();
        if (!id)
            throw std::runtime_error("the random generator failed");
        c.jti = *id;
    }
    c.amr = o.amr;

    auto token = sign(secret, payload(c), footer(o.kid ? *o.kid : pid_of(public_half(secret))));
    if (!token.ok())
        throw std::runtime_error(std::string("cannot sign: ") + describe(token.error));
    if (o.tamper) {
        // A character of the signed message, well inside the payload part: the result is still
        // canonical base64url, so only the signature check can catch it.
        std::size_t at = std::string_view("v4.public.").size() + 8;
        token.token[at] = token.token[at] == 'A' ? 'B' : 'A';
    }
    std::printf("%s\n", token.token.c_str());
    return 0;
}

} // namespace

int main(int argc, char **argv)
{
    std::vector<std::string> args(argv + (argc > 0 ? 1 : 0), argv + argc);
    try {
        if (args.empty())
            throw UsageError("a command is needed");
        std::string command = args.front();
        args.erase(args.begin());
        if (command == "keygen")
            return keygen(args);
        if (command == "kid")
            return kid(args);
        if (command == "mint")
            return mint(args);
        throw UsageError("unknown command \"" + command + "\"");
    } catch (const UsageError &e) {
        std::fprintf(stderr, "redline_test_token: %s\n%s", e.what(), usage);
        return 2;
    } catch (const std::exception &e) {
        std::fprintf(stderr, "redline_test_token: %s\n", e.what());
        return 1;
    }
}
