"""systemd units and autostart entries shipped with fairq; `fairq admin install-service` installs them."""
