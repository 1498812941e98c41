// pg_service.conf as libpq reads it: sections, keyword=value lines, comments, and which file
// defines a service when both the user's and the system's do.
#include "profiles/service_file.hpp"

#include <gtest/gtest.h>

namespace {

using redline::cli::find_service;
using redline::cli::parse_service_file;
using redline::cli::ServiceFile;

TEST(ServiceFile, ReadsSectionsAndTheirSettings)
{
    ServiceFile file = parse_service_file("/home/a/.pg_service.conf", "# services\n"
                                                                      "[prod]\n"
                                                                      "host=db1.internal\n"
                                                                      "  port=5433  \n"
                                                                      "user=alice\n"
                                                                      "\n"
                                                                      "[stage]\n"
                                                                      "host=stage.internal\n"
                                                                      "dbname=app\n");
    EXPECT_EQ(file.path, "/home/a/.pg_service.conf");
    ASSERT_EQ(file.sections.size(), 2u);
    EXPECT_EQ(file.sections[0].name, "prod");
    EXPECT_EQ(file.sections[0].line, 2);
    EXPECT_EQ(file.sections[0].value("host"), "db1.internal");
    EXPECT_EQ(file.sections[0].value("port"), "5433");
    EXPECT_EQ(file.sections[0].value("user"), "alice");
    EXPECT_EQ(file.sections[0].value("dbname"), "");
    EXPECT_EQ(file.sections[1].name, "stage");
    EXPECT_EQ(file.sections[1].line, 7);
    EXPECT_EQ(file.sections[1].value("dbname"), "app");
}

TEST(ServiceFile, TheFirstSettingOfAKeywordWins)
{
    ServiceFile file = parse_service_file("f", "[s]\nuser=first\nuser=second\n");
    EXPECT_EQ(file.sections[0].value("user"), "first");
}

TEST(ServiceFile, KeywordsAreNotTrimmedAroundTheEqualsSign)
{
    // libpq takes "host " as the keyword and refuses it: redline does not pretend it is host.
    ServiceFile file = parse_service_file("f", "[s]\nhost = db1\n");
    EXPECT_EQ(file.sections[0].value("host"), "");
    EXPECT_EQ(file.sections[0].value("host "), " db1");
}

TEST(ServiceFile, LinesOutsideSectionsAndWithoutEqualsAreSkipped)
{
    ServiceFile file = parse_service_file("f", "host=nowhere\n[s]\njunk\nuser=alice\n[broken\nuser=bob\n");
    ASSERT_EQ(file.sections.size(), 1u);
    EXPECT_EQ(file.sections[0].settings.size(), 1u);
    EXPECT_EQ(file.sections[0].value("user"), "alice");
}

TEST(ServiceFile, TheUsersFileIsSearchedFirst)
{
    std::vector<ServiceFile> files{parse_service_file("user", "[app]\nhost=mine\n"),
                                   parse_service_file("system", "[app]\nhost=theirs\n[other]\nhost=x\n")};
    auto app = find_service(files, "app");
    ASSERT_NE(app.section, nullptr);
    EXPECT_EQ(app.file->path, "user");
    EXPECT_EQ(app.section->value("host"), "mine");
    auto other = find_service(files, "other");
    ASSERT_NE(other.section, nullptr);
    EXPECT_EQ(other.file->path, "system");
    EXPECT_EQ(find_service(files, "none").section, nullptr);
    EXPECT_EQ(find_service(files, "ap").section, nullptr);
}

} // namespace
