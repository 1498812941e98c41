// What an approval names — one protected operation, on one object, for one role — checked
// before anything is signed, so an approver is never asked to confirm a token the server
// could only refuse.
#pragma once

#include <string_view>

namespace redline::cli {

// Throws std::runtime_error with one line when `operation` is not one of the names
// redline.protected knows (drop_table, truncate...).
void check_operation(std::string_view operation);

// Throws std::runtime_error with one line when `object` cannot be the identity the server
// prints for an object of `operation`: empty, padded with spaces, a table or column without
// its schema ("orders" where the server says "public.orders"), a setting in upper case.
void check_object(std::string_view operation, std::string_view object);

// The two-person rule: throws std::runtime_error when the role an approval is for is the
// approver's own (the server refuses such a token, whoever signs it).
void check_second_person(std::string_view for_role, std::string_view approver_role);

} // namespace redline::cli
