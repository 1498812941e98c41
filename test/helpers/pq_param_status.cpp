// Test helper: shows the redline.* values a server reports as ParameterStatus, before and
// after running statements, so a test can watch a reported setting change mid-session.
#include <libpq-fe.h>

#include <cstdio>
#include <string>

namespace {

// The settings redline marks GUC_REPORT: clients learn them at connect and on every change.
constexpr const char *reported[] = {"redline.environment", "redline.color"};

void print_parameters(const PGconn *conn)
{
    for (const char *name : reported) {
        const char *value = PQparameterStatus(conn, name);
        std::printf("%s=%s\n", name, value != nullptr ? value : "(null)");
    }
}

// The primary message only: DETAIL and HINT would make the line depend on the verbosity.
std::string error_message(const PGconn *conn, const PGresult *res)
{
    const char *primary = res != nullptr ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
    std::string message = primary != nullptr ? primary : PQerrorMessage(conn);
    while (!message.empty() && message.back() == '\n')
        message.pop_back();
    return message;
}

} // namespace

int main(int argc, char **argv)
{
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s \"<conninfo>\" [SQL ...]\n", argv[0]);
        return 2;
    }
    PGconn *conn = PQconnectdb(argv[1]);
    if (PQstatus(conn) != CONNECTION_OK) {
        std::fputs(PQerrorMessage(conn), stderr);
        PQfinish(conn);
        return 1;
    }
    print_parameters(conn);
    for (int i = 2; i < argc; ++i) {
        PGresult *res = PQexec(conn, argv[i]);
        ExecStatusType status = PQresultStatus(res);
        if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_EMPTY_QUERY)
            std::puts("ok");
        else
            std::printf("error: %s\n", error_message(conn, res).c_str());
        PQclear(res);
    }
    print_parameters(conn);
    PQfinish(conn);
    return 0;
}
