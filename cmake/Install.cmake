# `cmake --install build [--prefix P]`: the FHS layout of a Debian service (README "Install on a
# gateway"). The Debian package (scripts/package.sh) runs exactly this with --prefix /usr.
#
#   P/bin/dlms-bridge, P/bin/dlms-meter-sim
#   P/lib/dlms-bridge/libssl.so          CivetWeb TLS shim, private; found through the binary's
#                                        RUNPATH $ORIGIN/../lib/dlms-bridge (no LD_LIBRARY_PATH)
#   P/share/dlms-bridge/                 alerts/, grafana/, examples/, prometheus.yml
#   P/share/doc/dlms-bridge/README.md, P/share/man/man1/*.1 (help2man, from --help)
#   P/lib/sysusers.d/dlms-bridge.conf    the system user
#   /etc/dlms-bridge/dlms-bridge.toml    }  P = /usr: Debian's paths; any other prefix:
#   /lib/systemd/system/dlms-bridge.service } P/etc, P/lib/systemd/system (decided at install
#                                        time, see InstallSystemFiles.cmake)
#   /var/lib/dlms-bridge                 the state, for every prefix (the unit's StateDirectory=)
include(GNUInstallDirs)

set(DLMS_PRIVATE_LIBDIR lib/dlms-bridge)
set_target_properties(dlms-bridge PROPERTIES INSTALL_RPATH "$ORIGIN/../${DLMS_PRIVATE_LIBDIR}")

install(TARGETS dlms-bridge dlms-meter-sim RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS dlms_bridge_civetweb_ssl LIBRARY DESTINATION ${DLMS_PRIVATE_LIBDIR})

# The observability bundle and the examples an operator starts from.
install(DIRECTORY alerts grafana DESTINATION ${CMAKE_INSTALL_DATADIR}/dlms-bridge)
install(FILES config/production.example.toml config/microstar.toml config/demo.toml config/meter-password.example
        DESTINATION ${CMAKE_INSTALL_DATADIR}/dlms-bridge/examples)
install(FILES config/sim/demo-scenario.toml DESTINATION ${CMAKE_INSTALL_DATADIR}/dlms-bridge/examples/sim)
install(FILES deploy/prometheus.yml DESTINATION ${CMAKE_INSTALL_DATADIR}/dlms-bridge)
install(FILES README.md DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/dlms-bridge)
install(FILES deploy/dlms-bridge.sysusers DESTINATION lib/sysusers.d RENAME dlms-bridge.conf)

# Man pages from --help (help2man), so `man dlms-bridge` works on the gateway.
find_program(HELP2MAN_PROGRAM help2man)
if(HELP2MAN_PROGRAM)
  set(_man_pages)
  set(_name_dlms-bridge "poll DLMS/COSEM meters, publish readings to MQTT, expose QoS to Prometheus")
  set(_name_dlms-meter-sim "DLMS/COSEM meter simulator with fault injection")
  foreach(program dlms-bridge dlms-meter-sim)
    set(_page ${CMAKE_BINARY_DIR}/man/${program}.1)
    add_custom_command(OUTPUT ${_page}
      COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/man
      COMMAND ${HELP2MAN_PROGRAM} --no-info --no-discard-stderr --section=1 "--name=${_name_${program}}" --output=${_page} $<TARGET_FILE:${program}>
      DEPENDS ${program}
      COMMENT "help2man ${program}" VERBATIM)
    list(APPEND _man_pages ${_page})
  endforeach()
  add_custom_target(man-pages ALL DEPENDS ${_man_pages})
  install(FILES ${_man_pages} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
else()
  message(STATUS "help2man not found: no man pages (scripts/deps.sh installs it)")
endif()

# /etc, the unit and /var/lib depend on the prefix given to `cmake --install`, not the one at
# configure time, so one build serves both `cmake --install build` and the package.
install(CODE "set(DLMS_SOURCE_DIR [[${CMAKE_SOURCE_DIR}]])\nset(DLMS_BINARY_DIR [[${CMAKE_BINARY_DIR}]])")
install(SCRIPT cmake/InstallSystemFiles.cmake)
