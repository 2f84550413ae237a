# Runs inside `cmake --install`: installs the files whose place depends on the install prefix
# the way Debian's does (GNUInstallDirs' /usr special case, decided here at install time).
# Inputs: CMAKE_INSTALL_PREFIX, DLMS_SOURCE_DIR, DLMS_BINARY_DIR; DESTDIR is honoured by file(INSTALL).
#
# The state is /var/lib/dlms-bridge whatever the prefix: the unit's StateDirectory= creates it
# there at the first start, owned by the service user, and ProtectSystem=strict leaves only it
# writable. A P/var/lib would be read-only and root-owned for the service (it failed to start).
if(CMAKE_INSTALL_PREFIX STREQUAL "/usr")
  set(_etc "/etc")
  set(_units "/lib/systemd/system")  # Debian 12's systemdsystemunitdir
else()
  set(_etc "${CMAKE_INSTALL_PREFIX}/etc")
  set(_units "${CMAKE_INSTALL_PREFIX}/lib/systemd/system")
endif()

# The shipped files name the Debian paths; rewrite them for other prefixes.
function(dlms_render source output)
  file(READ "${source}" text)
  string(REPLACE "/usr/bin/" "${CMAKE_INSTALL_PREFIX}/bin/" text "${text}")
  string(REPLACE "/usr/share/" "${CMAKE_INSTALL_PREFIX}/share/" text "${text}")
  string(REPLACE "/etc/dlms-bridge/" "${_etc}/dlms-bridge/" text "${text}")
  file(WRITE "${output}" "${text}")
endfunction()

set(_staging "${DLMS_BINARY_DIR}/install-rendered")
dlms_render("${DLMS_SOURCE_DIR}/deploy/dlms-bridge.service" "${_staging}/dlms-bridge.service")
dlms_render("${DLMS_SOURCE_DIR}/deploy/dlms-bridge@.service" "${_staging}/dlms-bridge@.service")
dlms_render("${DLMS_SOURCE_DIR}/deploy/dlms-bridge.toml" "${_staging}/dlms-bridge.toml")

file(INSTALL "${_staging}/dlms-bridge.service" "${_staging}/dlms-bridge@.service" DESTINATION "${_units}"
     FILE_PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
# Never overwrite an operator's config on a plain reinstall (dpkg handles it as a conffile).
if(EXISTS "$ENV{DESTDIR}${_etc}/dlms-bridge/dlms-bridge.toml")
  message(STATUS "Keeping: $ENV{DESTDIR}${_etc}/dlms-bridge/dlms-bridge.toml")
else()
  file(INSTALL "${_staging}/dlms-bridge.toml" DESTINATION "${_etc}/dlms-bridge"
       FILE_PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
endif()
# The package ships the (empty) state directory so that dpkg knows it; StateDirectory= sets its
# owner and mode. Other prefixes leave /var/lib alone (a non-root install could not write it).
if(CMAKE_INSTALL_PREFIX STREQUAL "/usr")
  file(MAKE_DIRECTORY "${_staging}/state/dlms-bridge")
  file(INSTALL DESTINATION "/var/lib" TYPE DIRECTORY FILES "${_staging}/state/dlms-bridge"
       DIR_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE)
endif()
