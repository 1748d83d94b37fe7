// The mailslot tool's help, word for word as it prints it. The guide's page
// of the tool (docs/cli.md) shows the same texts; a test checks that they agree.

#ifndef MAILSLOT_EXAMPLES_CLI_HELP_HPP
#define MAILSLOT_EXAMPLES_CLI_HELP_HPP

namespace mailslot_cli {

/// `mailslot --help`, `mailslot help`.
inline constexpr const char* general_help =
    R"(usage: mailslot <command> [options] NAME ...

Commands:
  listen    create a mailslot and print the messages that arrive
  send      write messages to a mailslot
  help      print the help of a command: mailslot help listen

"mailslot <command> --help" prints a command's options, "mailslot
--version" the version. Options may come
before or after the operands; --name=value is --name value; after "--"
everything is an operand.

NAME is a mailslot name: \\.\mailslot\[path\]name on this computer,
\\computer\mailslot\name on another one, \\domain\mailslot\name or
\\*\mailslot\name for every slot of that name in a domain (at most 424
bytes per message then, less for a long name).

Exit codes:
  0    done
  1    another failure
  2    usage error
  3    no such mailslot (for a name that leaves this computer: none
       could be reached, or remote mailslots are disabled there)
  4    the time ran out before what was asked for arrived
  5    invalid name
  6    message too large
  7    remote mailslots disabled (when Windows says so)
  8    the name is taken by another listener
  130  interrupted (Ctrl+C, Ctrl+Break)
)";

/// `mailslot listen --help`, `mailslot help listen`.
inline constexpr const char* listen_help =
    R"(usage: mailslot listen [options] NAME

Creates the mailslot NAME (a name on this computer) and prints each message
as it arrives, until --count messages have, until a time runs out, or until
Ctrl+C. Messages go to standard output; the banner, the summary and errors
go to standard error.

Output:
  (text)              "[N] SIZE bytes: TEXT" per message, TEXT escaped: \\
                      for a backslash, \t \n \r, \xNN for other control
                      bytes and bytes that are not UTF-8, \u{XXXX} for C1
                      controls and format characters (such as U+202E, the
                      right-to-left override); "[N] 0 bytes" when empty
  --hex               a hex dump of each message instead
  --json              one JSON object per line instead: index, time, size,
                      encoding ("utf8", or "base64" for bytes that are not
                      UTF-8) and data
  --raw               each message's bytes as they are instead, after its
                      size as a 4-byte little-endian number
  --timestamps        start each message of the text and hex output with its
                      time of arrival (UTC, ISO 8601, microseconds)

Options:
  --count N           stop after N messages (0 to 4294967295)
  --idle-timeout MS   stop when no message has arrived for MS milliseconds
                      (0 to 4294967294; --timeout is the same)
  --duration MS       stop MS milliseconds after the start (0 to 4294967294)
  --max-size N        the slot's largest message, in bytes (0, the default:
                      any size); a larger one ends the listening with exit
                      code 6 and stays unread
  -q, --quiet         no banner and no summary (errors are still printed)
  -h, --help          print this help

Exit code 0 when --count messages arrived or, without --count, when the time
ran out after at least one message; 4 when the time ran out before that;
130 on Ctrl+C. "mailslot --help" lists the others.
)";

/// `mailslot send --help`, `mailslot help send`.
inline constexpr const char* send_help =
    R"(usage: mailslot send [options] NAME [MESSAGE...]

Writes each MESSAGE to the mailslot NAME as one message, in order. A write
is not a delivery: a mailslot sends no reply, and its listener may be gone.

Messages:
  MESSAGE...          each argument is one message (UTF-8)
  -                   (the only MESSAGE) standard input, one message per
                      line; the line end (\n or \r\n) is not sent; after
                      "--", - is the text "-"
  -0                  with -: one message per record ended by a NUL byte
                      (the last one may lack it) instead of per line
  --file PATH         the file's bytes as one message; may be given again
                      (files are sent after the MESSAGE arguments)
  --hex               each MESSAGE and record is hexadecimal digits (spaces
                      and tabs between the pairs are skipped)
  --base64            each MESSAGE and record is base64 (spaces and tabs
                      skipped); a line is one message, so give base64 that
                      is not wrapped (base64 -w0), or use -0 or --file

With no MESSAGE nothing is written: the name is only opened, which tells
whether a listener has it (exit code 3 if none).

Standard input is read to its end before anything is written, and every
message is checked first: one larger than the name allows (424 bytes for a
name that leaves this computer, less for a long name) is refused with exit
code 6, and nothing is written.

Options:
  -q, --quiet         no summary (errors are still printed)
  -h, --help          print this help

"mailslot --help" lists the exit codes.
)";

}  // namespace mailslot_cli

#endif
