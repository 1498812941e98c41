// How redline connect reads the server's lock settings when redline.status() is not there:
// "auto" per environment, and redline.exempt_roles as the server splits it.
#include "server/session.hpp"

#include <gtest/gtest.h>

namespace {

using redline::Environment;
using redline::TokenRequirement;
using redline::cli::role_listed;
using redline::cli::token_requirement;

TEST(TokenRequirement, AutoIsTheEnvironmentsDefault)
{
    EXPECT_EQ(token_requirement("auto", Environment::production), TokenRequirement::write);
    EXPECT_EQ(token_requirement("auto", Environment::staging), TokenRequirement::none);
    EXPECT_EQ(token_requirement("auto", Environment::development), TokenRequirement::none);
    EXPECT_EQ(token_requirement("auto", Environment::local), TokenRequirement::none);
}

TEST(TokenRequirement, ExplicitValues)
{
    EXPECT_EQ(token_requirement("none", Environment::production), TokenRequirement::none);
    EXPECT_EQ(token_requirement("write", Environment::staging), TokenRequirement::write);
    EXPECT_EQ(token_requirement("connect", Environment::local), TokenRequirement::connect);
    EXPECT_EQ(token_requirement("always", Environment::production), std::nullopt);
    EXPECT_EQ(token_requirement("", Environment::production), std::nullopt);
}

TEST(RoleListed, NamesAreFoldedUnlessQuoted)
{
    EXPECT_TRUE(role_listed("app", "app"));
    EXPECT_TRUE(role_listed("postgres, App_Service", "app_service"));
    EXPECT_FALSE(role_listed("postgres, App_Service", "App_Service"));
    EXPECT_TRUE(role_listed("postgres,\"App Service\"", "App Service"));
    EXPECT_TRUE(role_listed(" \"a\"\"b\" ", "a\"b"));
    EXPECT_FALSE(role_listed("", "app"));
    EXPECT_FALSE(role_listed("application", "app"));
}

TEST(RoleListed, AListTheServerCannotReadExemptsNoOne)
{
    EXPECT_FALSE(role_listed("app,", "app"));
    EXPECT_FALSE(role_listed("app,,x", "app"));
    EXPECT_FALSE(role_listed("\"app", "app"));
    EXPECT_FALSE(role_listed("app x", "app"));
}

TEST(RoleListed, LongNamesAreTruncatedAsTheServerDoes)
{
    std::string long_name(70, 'a');
    EXPECT_TRUE(role_listed(long_name, std::string(63, 'a')));
}

} // namespace
