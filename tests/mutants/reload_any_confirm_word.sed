# breaks: POST /-/reload?confirm=<anything> confirms a mass removal instead of a 400
# file: src/app/run_command.cpp
# build: dlms-bridge bridge_e2e_tests
# kill: ^ReloadSafety\.a_truncated_config_never_removes_meters_silently
s/if (!confirm\.empty() \&\& confirm != config::kConfirmRemoveMeters) {/if (false \&\& !confirm.empty() \&\& confirm != config::kConfirmRemoveMeters) {/
