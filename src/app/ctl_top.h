#pragma once
// `dlms-bridge ctl top`: the status page in a terminal, redrawn in place every --interval
// seconds (like top) until Ctrl-C or --count refreshes.
#include "ctl_command.h"
#include "ctl_views.h"

namespace bridge::app {

// Colours and the line width when stdout is a terminal; plain, uncut text otherwise.
TextStyle terminal_style();
int run_ctl_top(const CtlOptions& options);
// The meter views that pass --state / --problems / --search (the status page's filters).
nlohmann::json filter_meters(const nlohmann::json& meters, const CtlOptions& options);

}  // namespace bridge::app
