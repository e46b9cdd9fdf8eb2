"""Free ports for test servers: outside the range the kernel gives outgoing connections."""
import socket

import pytest

from support import ports


def test_a_free_port_is_below_the_ephemeral_range_and_can_be_bound():
    first, _ = ports.ephemeral_ports()
    for _ in range(20):
        port = ports.free_port()
        assert ports.LOWEST_PORT <= port < first
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", port))


def test_the_range_is_read_from_the_kernel_and_defaults_to_linux_s(tmp_path, monkeypatch):
    setting = tmp_path / "ip_local_port_range"
    setting.write_text("40000\t50000\n")
    monkeypatch.setattr(ports, "EPHEMERAL_RANGE_FILE", setting)
    assert ports.ephemeral_ports() == (40000, 50000)
    monkeypatch.setattr(ports, "EPHEMERAL_RANGE_FILE", tmp_path / "missing")
    assert ports.ephemeral_ports() == (32768, 60999)


def test_a_port_already_bound_is_never_given(tmp_path, monkeypatch):
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        taken = held.getsockname()[1]
        setting = tmp_path / "ip_local_port_range"
        setting.write_text(f"{taken + 1} 60999\n")
        monkeypatch.setattr(ports, "EPHEMERAL_RANGE_FILE", setting)
        monkeypatch.setattr(ports, "LOWEST_PORT", taken)
        with pytest.raises(RuntimeError):
            ports.free_port()
