const SETTINGS = `Settings (every command):
  --url URL           the server, such as https://watchtower.example:4443 (default: $WATCHTOWER_URL)
  --password SECRET   its password (default: $WATCHTOWER_PASSWORD; prefer the variable, arguments show in ps)
  --json              print the answer as JSON
  -h, --help          this help`;

export const HELP = {
  main: `watchtower: heartbeats and events of a watchtower server, from a shell or from cron

Usage: watchtower <command> [options]

Commands:
  pulse <service>             record a pulse: the service is alive and pulses again within --next-in
  cancel <service>            stop watching a service; no alert follows
  event <service> <message>   record an event
  events                      list events, newest first
  list                        list the heartbeats and their status
  run <service> -- <command>  run a job: pulse when it succeeds, record an error event when it fails

${SETTINGS}
  --version           the version of this command

Durations: 90 or 90s (seconds), 15m, 1h, 1d, 1w, several units (1h30m), fractions (1.5h).
Help of a command: watchtower <command> --help`,

  pulse: `Usage: watchtower pulse <service> --next-in DURATION --alert TYPE:TARGET

Records a pulse: <service> is alive and pulses again within --next-in. If it does not,
the server alerts TARGET through TYPE.

Options:
  --next-in DURATION  the longest silence before an alert: 90, 90s, 15m, 1h30m, 1d
  --alert TYPE:TARGET where the alert goes: pushover:USER_KEY, email:ops@example.com,
                      webhook:https://…, slack:https://hooks.slack.com/…, log:LABEL

${SETTINGS}

Example:
  watchtower pulse backup --next-in 1h --alert pushover:uQiRzpo4DXghDmr9QzzfQu27cmVRsG`,

  cancel: `Usage: watchtower cancel <service>

Stops watching <service>: no alert follows its silence. A later pulse watches it again.

${SETTINGS}

Example:
  watchtower cancel backup`,

  event: `Usage: watchtower event <service> <message> [--level LEVEL] [--alert]

Records an event of <service>.

Options:
  --level LEVEL       debug, info, warning, error, critical, or a number (default: info)
  --alert             also alert the server's default channel (it must have one)

${SETTINGS}

Example:
  watchtower event backup "disk 91% full" --level warning`,

  events: `Usage: watchtower events [--service NAME] [--level LEVEL] [--since DURATION] [--message TEXT] [--limit N]

Lists events, newest first.

Options:
  --service NAME      only this service
  --level LEVEL       this level or above: debug, info, warning, error, critical, or a number
  --since DURATION    only the last DURATION: 90s, 15m, 2h, 1d, 1w
  --message TEXT      only messages containing TEXT (case-insensitive)
  --limit N           at most N events (default 100)

${SETTINGS}

Example:
  watchtower events --service backup --level error --since 1d`,

  list: `Usage: watchtower list

Lists the heartbeats: status (alive, dead, cancelled), last pulse, deadline, alert.

${SETTINGS}`,

  run: `Usage: watchtower run <service> --next-in DURATION --alert TYPE:TARGET [--tail N] -- <command> [args…]

Runs <command> (without a shell), passing its output through. When it succeeds, pulses
<service>. When it fails, records an error event with its exit code, how long it ran
and the last lines of its output, and does not pulse. Exits with the command's code.

Options:
  --next-in DURATION  the longest silence before an alert: the job's period plus a margin
  --alert TYPE:TARGET where the alert goes, as for watchtower pulse
  --tail N            lines of output kept for the error event (default 20)

${SETTINGS}

Examples (crontab):
  WATCHTOWER_URL=https://watchtower.example:4443
  WATCHTOWER_PASSWORD=change-me-please
  15 3 * * * watchtower run nightly-backup --next-in 1d --alert pushover:uQiRzpo4DXghDmr9QzzfQu27cmVRsG -- /usr/local/bin/backup
  */5 * * * * watchtower run sync --next-in 15m --alert log:ops -- sh -c 'sync-once && tidy-up'`,
} as const;

export type CommandName = Exclude<keyof typeof HELP, 'main'>;
