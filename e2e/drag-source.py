#!/usr/bin/python3
"""A tiny GTK window that offers one file for drag and drop (text/uri-list), so the end-to-end
test can drag a real file onto the real app window with xdotool, as a file manager would.

Usage: drag-source.py PATH X Y   (the window opens at X,Y, 160x80, titled "pd-drag-source")
"""
import sys
from pathlib import Path

import gi

gi.require_version("Gtk", "3.0")
gi.require_version("Gdk", "3.0")
from gi.repository import Gdk, Gtk  # noqa: E402

path, x, y = Path(sys.argv[1]).resolve(), int(sys.argv[2]), int(sys.argv[3])
win = Gtk.Window(title="pd-drag-source")
win.set_default_size(160, 80)
win.move(x, y)
win.connect("destroy", Gtk.main_quit)
box = Gtk.EventBox()
box.add(Gtk.Label(label=path.name))
box.drag_source_set(Gdk.ModifierType.BUTTON1_MASK, [], Gdk.DragAction.COPY)
box.drag_source_add_uri_targets()
box.connect("drag-data-get", lambda _w, _ctx, data, _info, _t: data.set_uris([path.as_uri()]))
win.add(box)
win.show_all()
print("ready", flush=True)
Gtk.main()
