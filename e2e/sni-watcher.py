#!/usr/bin/python3
"""A stand-in StatusNotifierWatcher on the session bus: what a desktop's panel (KDE, GNOME's
AppIndicator extension, XFCE) runs so that tray icons show. No package of this machine's
distribution provides one without a whole desktop, so the tray test runs this instead: it owns
org.kde.StatusNotifierWatcher, says a host is registered, takes items' registrations and prints
each ("registered SERVICE") for the test to read. Stopped by SIGTERM."""

import signal
import sys

from gi.repository import Gio, GLib

XML = """
<node>
  <interface name="org.kde.StatusNotifierWatcher">
    <method name="RegisterStatusNotifierItem"><arg type="s" direction="in"/></method>
    <method name="RegisterStatusNotifierHost"><arg type="s" direction="in"/></method>
    <property name="RegisteredStatusNotifierItems" type="as" access="read"/>
    <property name="IsStatusNotifierHostRegistered" type="b" access="read"/>
    <property name="ProtocolVersion" type="i" access="read"/>
    <signal name="StatusNotifierItemRegistered"><arg type="s"/></signal>
    <signal name="StatusNotifierItemUnregistered"><arg type="s"/></signal>
    <signal name="StatusNotifierHostRegistered"/>
  </interface>
</node>
"""
PATH = "/StatusNotifierWatcher"
items = []


def call(conn, sender, path, iface, method, params, invocation):
    if method == "RegisterStatusNotifierItem":
        (service,) = params.unpack()
        # An item names its object path or its bus name; either way it is the sender's.
        item = service if service.startswith(":") or "." in service else sender + service
        items.append(item)
        print("registered " + item, flush=True)
        conn.emit_signal(None, PATH, iface, "StatusNotifierItemRegistered", GLib.Variant("(s)", (item,)))
    invocation.return_value(None)


def get(conn, sender, path, iface, prop):
    return {
        "RegisteredStatusNotifierItems": GLib.Variant("as", items),
        "IsStatusNotifierHostRegistered": GLib.Variant("b", True),
        "ProtocolVersion": GLib.Variant("i", 0),
    }[prop]


def acquired(conn, name):
    info = Gio.DBusNodeInfo.new_for_xml(XML).interfaces[0]
    conn.register_object(PATH, info, call, get, None)


loop = GLib.MainLoop()
Gio.bus_own_name(
    Gio.BusType.SESSION,
    "org.kde.StatusNotifierWatcher",
    Gio.BusNameOwnerFlags.NONE,
    acquired,
    lambda conn, name: print("ready", flush=True),
    lambda conn, name: (print("name lost", flush=True), loop.quit()),
)
GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGTERM, loop.quit)
loop.run()
sys.exit(0)
