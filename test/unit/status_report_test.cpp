// What redline status prints from the server's answer: the aligned listing, colours only when
// asked for, the JSON for scripts, and the environment check.
#include "commands/status.hpp"

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

namespace {

using redline::Environment;
using redline::cli::Palette;
using redline::cli::QueryRows;
using redline::cli::StatusField;
using redline::cli::StatusReport;

// One row as redline.status() returns it, typed as PostgreSQL types the columns.
QueryRows status_row(const std::string &environment, bool locked)
{
    QueryRows rows;
    auto column = [&](const char *name, unsigned type, std::optional<std::string> value) {
        rows.columns.emplace_back(name);
        rows.types.push_back(type);
        if (rows.rows.empty())
            rows.rows.emplace_back();
        rows.rows[0].push_back(std::move(value));
    };
    column("version", 25, "0.2.0");
    column("environment", 25, environment);
    column("color", 25, "red");
    column("enforcing", redline::cli::bool_oid, "t");
    column("cluster_id", 25, "7311234567890123456");
    column("login_role", 25, "alice");
    column("exempt", redline::cli::bool_oid, "f");
    column("max_rows", redline::cli::int4_oid, "1000");
    column("expect_rows", redline::cli::int4_oid, std::nullopt);
    column("locked", redline::cli::bool_oid, locked ? "t" : "f");
    column("unlocked_until", 1184, locked ? std::nullopt : std::optional<std::string>("2026-11-24 17:45:19+00"));
    return rows;
}

StatusReport report(Environment profile_env, const std::string &server_env, bool locked = true)
{
    StatusReport r;
    r.profile = "prod";
    r.profile_environment = profile_env;
    r.connection = "service=prod";
    r.fields = redline::cli::status_fields(status_row(server_env, locked));
    return r;
}

TEST(StatusReport, FieldsKeepTheirColumnTypes)
{
    auto fields = redline::cli::status_fields(status_row("production", true));
    ASSERT_EQ(fields.size(), 11u);
    EXPECT_EQ(fields[0].name, "version");
    EXPECT_EQ(fields[0].kind, StatusField::Kind::text);
    EXPECT_EQ(fields[3].kind, StatusField::Kind::boolean);
    EXPECT_EQ(fields[7].kind, StatusField::Kind::number);
    EXPECT_FALSE(fields[8].value.has_value());
    EXPECT_THROW(redline::cli::status_fields(QueryRows{}), std::runtime_error);
}

TEST(StatusReport, TheListingIsAlignedAndPlainWithoutColour)
{
    std::string out = redline::cli::format_status(report(Environment::production, "production"), Palette::plain());
    EXPECT_EQ(out, "profile         prod (made for production)\n"
                   "connection      service=prod\n"
                   "version         0.2.0\n"
                   "environment     production\n"
                   "color           red\n"
                   "enforcing       yes\n"
                   "cluster_id      7311234567890123456\n"
                   "login_role      alice\n"
                   "exempt          no\n"
                   "max_rows        1000\n"
                   "expect_rows     -\n"
                   "locked          yes\n"
                   "unlocked_until  -\n");
    EXPECT_EQ(out.find('\x1b'), std::string::npos);
}

TEST(StatusReport, TheEnvironmentIsInItsColour)
{
    std::string out = redline::cli::format_status(report(Environment::production, "production"), Palette::colored());
    // redline.color "red" is #cc0000 as a 24-bit foreground.
    EXPECT_NE(out.find("\x1b[38;2;204;000;000mproduction\x1b[0m"), std::string::npos) << out;
}

TEST(StatusReport, UnlockedShowsUntilWhen)
{
    std::string out =
        redline::cli::format_status(report(Environment::production, "production", false), Palette::plain());
    EXPECT_NE(out.find("locked          no\n"), std::string::npos) << out;
    EXPECT_NE(out.find("unlocked_until  2026-11-24 17:45:19+00\n"), std::string::npos) << out;
}

TEST(StatusReport, WithoutTheExtensionItSaysWhatCreateExtensionAdds)
{
    StatusReport r;
    r.profile = "prod";
    r.connection = "host=db1";
    r.extension = false;
    r.fields = {{"environment", "production", StatusField::Kind::text},
                {"color", "", StatusField::Kind::text},
                {"cluster_id", "42", StatusField::Kind::text},
                {"require_token", "write", StatusField::Kind::text}};
    std::string out = redline::cli::format_status(r, Palette::plain());
    EXPECT_NE(out.find("require_token  write\n"), std::string::npos) << out;
    EXPECT_NE(out.find("color          -\n"), std::string::npos) << "empty is shown as -, not as blanks\n" << out;
    EXPECT_NE(out.find("CREATE EXTENSION redline adds the rest"), std::string::npos) << out;
    // No redline.color: painted with the environment's own colour.
    std::string colored = redline::cli::format_status(r, Palette::colored());
    EXPECT_NE(colored.find("\x1b[38;2;204;000;000mproduction"), std::string::npos) << colored;
}

TEST(StatusReport, TheEnvironmentMustBeTheProfiles)
{
    EXPECT_EQ(redline::cli::environment_mismatch(report(Environment::production, "production")), "");
    std::string mismatch = redline::cli::environment_mismatch(report(Environment::staging, "production"));
    EXPECT_NE(mismatch.find("profile prod says staging but its server reports production"), std::string::npos)
        << mismatch;
    EXPECT_NE(mismatch.find("redline profile list"), std::string::npos) << mismatch;
}

TEST(StatusReport, JsonKeepsTypes)
{
    auto json = nlohmann::json::parse(redline::cli::status_json(report(Environment::staging, "production", false)));
    EXPECT_EQ(json["profile"], "prod");
    EXPECT_EQ(json["profile_environment"], "staging");
    EXPECT_EQ(json["extension"], true);
    EXPECT_EQ(json["environment_matches"], false);
    EXPECT_EQ(json["status"]["environment"], "production");
    EXPECT_EQ(json["status"]["enforcing"], true);
    EXPECT_EQ(json["status"]["locked"], false);
    EXPECT_EQ(json["status"]["max_rows"], 1000);
    EXPECT_TRUE(json["status"]["expect_rows"].is_null());
    EXPECT_EQ(json["status"]["unlocked_until"], "2026-11-24 17:45:19+00");
}

} // namespace
