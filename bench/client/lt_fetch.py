#!/usr/bin/python3
"""Downloads a whole torrent with libtorrent from the given peers only (no DHT, LSD, UPnP);
prints the seconds it took. Usage: lt_fetch.py TORRENT SAVE_DIR PORT HOST:PORT..."""
import sys, time
import libtorrent as lt

torrent, save, port, peers = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4:]
s = lt.session({"listen_interfaces": "127.0.0.1:%d" % port, "enable_dht": False, "enable_lsd": False,
                "enable_upnp": False, "enable_natpmp": False, "allow_multiple_connections_per_ip": True,
                "alert_mask": 0})
ti = lt.torrent_info(torrent)  # the caller strips url-list: this measures the swarm only
h = s.add_torrent({"ti": ti, "save_path": save})
start = time.time()
for p in peers:
    host, pp = p.rsplit(":", 1)
    h.connect_peer((host, int(pp)))
while not h.status().is_seeding:
    if time.time() - start > 600:
        print("timeout", file=sys.stderr)
        sys.exit(1)
    time.sleep(0.05)
print("%.3f" % (time.time() - start))
