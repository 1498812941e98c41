// Resolving a profile offline in libpq's order: the DSN or service, the service file's
// section, the PG* variables, the defaults; each value with where it came from.
#include "profiles/connection_facts.hpp"

#include <gtest/gtest.h>

namespace {

using redline::Environment;
using redline::cli::ConnectionFacts;
using redline::cli::LibpqEnvironment;
using redline::cli::parse_service_file;
using redline::cli::pgpass_host;
using redline::cli::Profile;
using redline::cli::resolve_connection;
using redline::cli::ServiceFile;

Profile dsn_profile(const std::string &dsn)
{
    Profile p;
    p.name = "p";
    p.dsn = dsn;
    return p;
}

Profile service_profile(const std::string &service)
{
    Profile p;
    p.name = "p";
    p.service = service;
    return p;
}

LibpqEnvironment plain_env()
{
    LibpqEnvironment env;
    env.os_user = "osuser";
    env.home = "/home/osuser";
    return env;
}

TEST(ConnectionFacts, ADsnSaysWhereAndAsWhom)
{
    ConnectionFacts f =
        resolve_connection(dsn_profile("host=db1.internal port=5433 user=alice dbname=app"), {}, plain_env());
    EXPECT_EQ(f.problem, "");
    ASSERT_EQ(f.endpoints.size(), 1u);
    EXPECT_EQ(f.endpoints[0].host.value, "db1.internal");
    EXPECT_EQ(f.endpoints[0].host.source, "DSN");
    EXPECT_EQ(f.endpoints[0].port.value, "5433");
    EXPECT_EQ(f.user.value, "alice");
    EXPECT_EQ(f.user.source, "DSN");
    EXPECT_EQ(f.database.value, "app");
    EXPECT_EQ(f.passfile.value, "/home/osuser/.pgpass");
    EXPECT_EQ(f.password.source, "");
}

TEST(ConnectionFacts, AUriIsReadAsLibpqReadsIt)
{
    ConnectionFacts f = resolve_connection(dsn_profile("postgresql://bob@Stage.Internal:6000/app"), {}, plain_env());
    EXPECT_EQ(f.problem, "");
    ASSERT_EQ(f.endpoints.size(), 1u);
    EXPECT_EQ(f.endpoints[0].host.value, "Stage.Internal");
    EXPECT_EQ(f.endpoints[0].port.value, "6000");
    EXPECT_EQ(f.user.value, "bob");
}

TEST(ConnectionFacts, DefaultsAreTheOsUserTheLocalSocketAnd5432)
{
    ConnectionFacts f = resolve_connection(dsn_profile("dbname=app"), {}, plain_env());
    ASSERT_EQ(f.endpoints.size(), 1u);
    EXPECT_EQ(f.endpoints[0].host.value, "");
    EXPECT_EQ(f.endpoints[0].port.value, "5432");
    EXPECT_EQ(f.endpoints[0].port.source, "default");
    EXPECT_EQ(f.user.value, "osuser");
    EXPECT_EQ(f.user.source, "default (your OS user)");
    EXPECT_EQ(pgpass_host(f.endpoints[0]), "localhost");
}

TEST(ConnectionFacts, TheDatabaseDefaultsToTheUserName)
{
    ConnectionFacts f = resolve_connection(dsn_profile("host=h user=carol"), {}, plain_env());
    EXPECT_EQ(f.database.value, "carol");
}

TEST(ConnectionFacts, AServiceFillsWhatTheProfileLeavesOpen)
{
    std::vector<ServiceFile> files{parse_service_file("/home/osuser/.pg_service.conf",
                                                      "[prod]\nhost=db1\nuser=alice\npassfile=/secrets/pgpass\n")};
    ConnectionFacts f = resolve_connection(service_profile("prod"), files, plain_env());
    EXPECT_EQ(f.problem, "");
    EXPECT_EQ(f.service.value, "prod");
    EXPECT_EQ(f.service.source, "profile");
    EXPECT_EQ(f.endpoints[0].host.value, "db1");
    EXPECT_EQ(f.endpoints[0].host.source, "service prod in /home/osuser/.pg_service.conf");
    EXPECT_EQ(f.user.value, "alice");
    EXPECT_EQ(f.passfile.value, "/secrets/pgpass");
}

TEST(ConnectionFacts, TheDsnWinsOverItsService)
{
    std::vector<ServiceFile> files{parse_service_file("s", "[prod]\nhost=db1\nuser=alice\n")};
    ConnectionFacts f = resolve_connection(dsn_profile("service=prod user=bob"), files, plain_env());
    EXPECT_EQ(f.user.value, "bob");
    EXPECT_EQ(f.user.source, "DSN");
    EXPECT_EQ(f.endpoints[0].host.value, "db1");
    EXPECT_EQ(f.service.source, "DSN");
}

TEST(ConnectionFacts, TheServiceWinsOverTheEnvironment)
{
    std::vector<ServiceFile> files{parse_service_file("s", "[prod]\nuser=alice\n")};
    LibpqEnvironment env = plain_env();
    env.variables["PGUSER"] = "shared";
    env.variables["PGHOST"] = "db9";
    ConnectionFacts f = resolve_connection(service_profile("prod"), files, env);
    EXPECT_EQ(f.user.value, "alice");
    EXPECT_EQ(f.endpoints[0].host.value, "db9");
    EXPECT_EQ(f.endpoints[0].host.source, "PGHOST");
}

TEST(ConnectionFacts, PgserviceAppliesToADsnWithoutAService)
{
    std::vector<ServiceFile> files{parse_service_file("s", "[dflt]\nhost=db2\n")};
    LibpqEnvironment env = plain_env();
    env.variables["PGSERVICE"] = "dflt";
    ConnectionFacts f = resolve_connection(dsn_profile("dbname=app"), files, env);
    EXPECT_EQ(f.service.value, "dflt");
    EXPECT_EQ(f.service.source, "PGSERVICE");
    EXPECT_EQ(f.endpoints[0].host.value, "db2");
}

TEST(ConnectionFacts, PasswordSourcesAreNotedWithoutTheirValue)
{
    LibpqEnvironment env = plain_env();
    env.variables["PGPASSWORD"] = "hunter2";
    ConnectionFacts f = resolve_connection(dsn_profile("host=h"), {}, env);
    EXPECT_EQ(f.password.source, "PGPASSWORD");
    EXPECT_EQ(f.password.value, "");
    env.variables["PGPASSFILE"] = "/tmp/pw";
    EXPECT_EQ(resolve_connection(dsn_profile("host=h"), {}, env).passfile.value, "/tmp/pw");
}

TEST(ConnectionFacts, EveryHostOfAListIsAnEndpoint)
{
    ConnectionFacts f = resolve_connection(dsn_profile("host=a,b port=5432,5433"), {}, plain_env());
    ASSERT_EQ(f.endpoints.size(), 2u);
    EXPECT_EQ(f.endpoints[1].host.value, "b");
    EXPECT_EQ(f.endpoints[1].port.value, "5433");
    ConnectionFacts one_port = resolve_connection(dsn_profile("host=a,b port=6000"), {}, plain_env());
    ASSERT_EQ(one_port.endpoints.size(), 2u);
    EXPECT_EQ(one_port.endpoints[1].port.value, "6000");
    EXPECT_NE(resolve_connection(dsn_profile("host=a,b,c port=1,2"), {}, plain_env()).problem, "");
}

TEST(ConnectionFacts, HostaddrStandsInForAMissingHost)
{
    ConnectionFacts f = resolve_connection(dsn_profile("hostaddr=10.0.0.5"), {}, plain_env());
    EXPECT_EQ(f.endpoints[0].host.value, "10.0.0.5");
}

TEST(ConnectionFacts, AnUnknownServiceIsAProblem)
{
    std::vector<ServiceFile> files{parse_service_file("/etc/pg_service.conf", "[other]\nhost=x\n")};
    ConnectionFacts f = resolve_connection(service_profile("missing"), files, plain_env());
    EXPECT_NE(f.problem.find("service \"missing\" is defined in no service file"), std::string::npos) << f.problem;
    EXPECT_NE(f.problem.find("/etc/pg_service.conf"), std::string::npos) << f.problem;
}

TEST(ConnectionFacts, TheDefaultSocketDirectoryIsLocalhostForPgpass)
{
    redline::cli::Endpoint socket{{"/var/run/postgresql", "DSN"}, {"5432", "default"}};
    EXPECT_EQ(pgpass_host(socket), "localhost");
    redline::cli::Endpoint other{{"/tmp", "DSN"}, {"5432", "default"}};
    EXPECT_EQ(pgpass_host(other), "/tmp");
}

} // namespace
