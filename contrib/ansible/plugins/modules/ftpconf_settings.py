#!/usr/bin/python
# -*- coding: utf-8 -*-
# ftpconf_settings: desired FTP settings on a NAS, through the ftpconf command line.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: ftpconf_settings
short_description: Put FTP (proftpd) settings into service on a NAS with ftpconf
version_added: "0.1.0"
description:
  - Stores the desired FTP settings in ftpconf's settings file and applies them to the
    running proftpd in one locked step (C(ftpconf apply --settings FILE --json)).
  - ftpconf validates the values, asks C(proftpd -t), checks what C(-t) misses (port free,
    key matches certificate, files readable), backs up, installs, reloads and verifies that
    proftpd answers; on any failure the previous configuration and settings are put back.
  - Idempotent; C(changed) is what ftpconf reports. When proftpd already serves the
    desired settings nothing is reloaded.
  - Check mode runs C(ftpconf apply --check) (every step up to the checks, nothing
    installed); diff mode shows the unified diff of the settings file and of proftpd.conf.
options:
  settings:
    description:
      - The desired settings under ftpconf's names, either nested by section (a dict
        per section such as C(general)) or flat (C(general.port), or a bare key such as
        C(port) when it is unique; C(ftpconf show) lists them).
      - A templated value rendered as a string (C("7"), C("true")) is converted to the
        setting's type (number, boolean).
      - Mutually exclusive with O(truenas).
    type: dict
  truenas:
    description:
      - The desired settings under TrueNAS's C(ftp.config) names (C(port), C(clients),
        C(filemask), C(tls_policy), ...), as C(ftpconf import --truenas) reads them.
    type: dict
  replace:
    description:
      - The given settings are the complete desired state; every setting not given returns
        to its default. By default they are merged over the stored ones.
    type: bool
    default: false
  trust_options:
    description:
      - Accept Auxiliary Parameters (C(options)) that load modules, include files, run
        commands or carry credentials; without it ftpconf shows such lines and refuses.
    type: bool
    default: false
  start:
    description: Start proftpd when it is not running.
    type: bool
    default: false
  force:
    description: Reload proftpd even when it already serves the desired settings.
    type: bool
    default: false
  confirm_seconds:
    description:
      - Apply with confirmation (C(ftpconf apply --confirm SECONDS --detach)). The task
        returns once the change serves; unless a later task confirms it (O(confirm)) within
        SECONDS, the watchdog of ftpconf puts the previous configuration back (and the
        settings file with it).
      - Reports C(changed) only when something was applied; register the result and run
        the confirming task only C(when) it changed, since with nothing applied there is
        nothing to confirm.
    type: int
  confirm:
    description:
      - Confirm a pending apply (C(ftpconf confirm)) instead of applying settings. Fails
        when nothing waits, for example because the deadline passed and the change was put
        back.
    type: bool
    default: false
  binary:
    description: The ftpconf program (a name on PATH or a path).
    type: path
    default: ftpconf
  root:
    description: ftpconf's C(--root) (a sandbox root; C(/) on a real NAS).
    type: path
  config:
    description: ftpconf's C(--config), the settings file (default ROOT/etc/ftpconf/ftpconf.toml).
    type: path
notes:
  - Uses only the ftpconf command line on the managed host.
  - Supports check mode and diff mode.
requirements:
  - ftpconf on the managed host
author:
  - ftpconf contributors
"""

EXAMPLES = r"""
- name: FTP on port 2121, at most 20 clients
  ftpconf.nas.ftpconf_settings:
    settings:
      general:
        port: 2121
        clients: 20

- name: The same under TrueNAS's names, as the complete desired state
  ftpconf.nas.ftpconf_settings:
    truenas:
      port: 2121
      clients: 20
    replace: true

- name: Apply with confirmation
  ftpconf.nas.ftpconf_settings:
    settings: {general.timeout: 300}
    confirm_seconds: 120
  register: ftp

- name: Still reachable? Keep it
  ftpconf.nas.ftpconf_settings:
    confirm: true
  when: ftp is changed
"""

RETURN = r"""
verdict:
  description: ftpconf's verdict (applied, unchanged, would_change, invalid, refused, rolled_back, broken).
  returned: when ftpconf answered in JSON
  type: str
  sample: applied
message:
  description: ftpconf's one-paragraph account of what happened.
  returned: always
  type: str
problems:
  description: Problems found, each with key, truenas_key, severity and message.
  returned: when ftpconf answered in JSON
  type: list
  elements: dict
steps:
  description: The apply steps that ran, each with step, ok, ms and detail.
  returned: when ftpconf answered in JSON
  type: list
  elements: dict
backup:
  description: The backup of the previous configuration (C(ftpconf rollback ID) puts it back).
  returned: when a backup was made
  type: str
exit_code:
  description: ftpconf's exit status (0 ok, 1 invalid, 3 refused, 4 rolled back, 5 broken).
  returned: always
  type: int
"""

import json
import os
import tempfile

from ansible.module_utils.basic import AnsibleModule


def toml_value(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    # A JSON string with only ASCII escapes is a valid TOML basic string.
    return json.dumps(str(value), ensure_ascii=True)


def current_settings(module, base):
    """{section: {key: value}} from `ftpconf show --json`: the names and their types."""
    rc, out, err = module.run_command(base + ["show", "--json"])
    if rc != 0:
        module.fail_json(msg="ftpconf show failed: %s" % (err or out).strip(), exit_code=rc)
    return json.loads(out)["settings"]


def typed(value, current):
    """A templated string ("7", "true") as the type the setting has (Jinja renders strings)."""
    if not isinstance(value, str):
        return value
    if isinstance(current, bool):
        lowered = value.strip().lower()
        if lowered in ("true", "yes", "on", "1"):
            return True
        if lowered in ("false", "no", "off", "0"):
            return False
    elif isinstance(current, int) and value.strip().isdigit():
        return int(value.strip())
    return value


def settings_toml(module, base, settings):
    """The desired settings as ftpconf's TOML (sections of key = value)."""
    known = current_settings(module, base)
    owners_of = {}
    for section, keys in known.items():
        for key in keys:
            owners_of.setdefault(key, []).append(section)
    sections = {}
    for name, value in settings.items():
        if isinstance(value, dict):
            sections.setdefault(name, {}).update(value)
            continue
        if "." in name:
            section, key = name.split(".", 1)
        else:
            owners = owners_of.get(name, [])
            if len(owners) != 1:
                module.fail_json(
                    msg="%s: %s; name it as section.key (ftpconf show lists them)"
                    % (name, "unknown setting" if not owners else "in several sections: " + ", ".join(owners))
                )
            section, key = owners[0], name
        sections.setdefault(section, {})[key] = value
    lines = []
    for section, values in sections.items():
        lines.append("[%s]" % section)
        for key, value in values.items():
            # Unknown names pass through: ftpconf names them in its answer.
            current = known.get(section, {}).get(key)
            lines.append("%s = %s" % (key, toml_value(typed(value, current))))
        lines.append("")
    return "\n".join(lines)


def failure_message(reply, out, err):
    problems = [p.get("message", "") if p.get("name") is None else "%s: %s" % (p["name"], p["message"])
                for p in reply.get("problems", []) if p.get("severity") == "error"]
    text = "; ".join(problems) or reply.get("message") or (err or out).strip()
    return text


def main():
    module = AnsibleModule(
        argument_spec=dict(
            settings=dict(type="dict"),
            truenas=dict(type="dict"),
            replace=dict(type="bool", default=False),
            start=dict(type="bool", default=False),
            force=dict(type="bool", default=False),
            trust_options=dict(type="bool", default=False),
            confirm_seconds=dict(type="int"),
            confirm=dict(type="bool", default=False),
            binary=dict(type="path", default="ftpconf"),
            root=dict(type="path"),
            config=dict(type="path"),
        ),
        mutually_exclusive=[("settings", "truenas"), ("confirm", "settings"), ("confirm", "truenas"),
                            ("confirm", "confirm_seconds")],
        supports_check_mode=True,
    )
    p = module.params
    binary = p["binary"]
    if os.sep not in binary:
        binary = module.get_bin_path(binary, required=True)
    base = [binary]
    if p["root"]:
        base += ["--root", p["root"]]
    if p["config"]:
        base += ["--config", p["config"]]

    if p["confirm"]:
        if module.check_mode:
            module.exit_json(changed=True, msg="would confirm the pending apply")
        rc, out, err = module.run_command(base + ["confirm"])
        if rc != 0:
            module.fail_json(msg=(err or out).strip(), exit_code=rc)
        module.exit_json(changed=True, msg=out.strip(), exit_code=rc)

    command = base + ["apply"]
    desired = None
    if p["settings"] is not None:
        desired = (settings_toml(module, base, p["settings"]), "--settings", ".toml")
    elif p["truenas"] is not None:
        desired = (json.dumps(p["truenas"]), "--truenas", ".json")
    path = None
    try:
        if desired is not None:
            fd, path = tempfile.mkstemp(prefix="ftpconf-desired.", suffix=desired[2])
            with os.fdopen(fd, "w") as handle:
                handle.write(desired[0])
            command += [desired[1], path]
            if p["replace"]:
                command.append("--replace")
            if p["trust_options"]:
                command.append("--trust-options")
        if p["start"]:
            command.append("--start")
        if p["force"]:
            command.append("--force")
        if module.check_mode:
            command.append("--check")
        if p["confirm_seconds"] and not module.check_mode:
            # The confirmation is given later (`ftpconf confirm`); ftpconf answers in text here.
            command += ["--confirm", str(p["confirm_seconds"]), "--detach"]
            rc, out, err = module.run_command(command)
            if rc != 0:
                module.fail_json(msg=(err or out).strip(), exit_code=rc, stdout=out)
            # The last line is ftpconf's word for it: "changed" (pending) or "unchanged".
            lines = out.strip().splitlines()
            changed = bool(lines) and lines[-1] == "changed"
            module.exit_json(changed=changed, msg=out.strip(), exit_code=rc)
        command += ["--json", "--diff"]
        rc, out, err = module.run_command(command)
    finally:
        if path:
            os.unlink(path)

    try:
        reply = json.loads(out)
    except ValueError:
        module.fail_json(msg="ftpconf did not answer in JSON: %s" % (err or out).strip(), exit_code=rc)
    result = dict(
        changed=bool(reply.get("changed")),
        verdict=reply.get("verdict"),
        message=reply.get("message"),
        problems=reply.get("problems", []),
        notes=reply.get("notes", []),
        steps=reply.get("steps", []),
        backup=reply.get("backup"),
        exit_code=rc,
    )
    diff = reply.get("diff") or {}
    if module._diff and result["changed"]:
        result["diff"] = dict(prepared=(diff.get("settings") or "") + (diff.get("proftpd.conf") or ""))
    if rc != 0:
        module.fail_json(msg=failure_message(reply, out, err), **result)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
