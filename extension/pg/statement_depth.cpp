// The one nesting counter (statement_depth.hpp).
#include "statement_depth.hpp"

namespace redline {

int statement_depth = 0;

} // namespace redline
