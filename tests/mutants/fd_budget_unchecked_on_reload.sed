# breaks: a reload to a fleet over the open files limit is applied instead of refused
# file: src/app/run_command.cpp
# build: dlms-bridge bridge_e2e_tests
# kill: ^FdBudget\.a_reload_over_the_limit
/budget.http_connections = http_connections_;/,/fd_budget_problem/ s/    if (auto problem = fd_budget_problem(budget, fd_limit_)) {/    if (auto problem = ((void)budget, std::optional<std::string>{})) {/
