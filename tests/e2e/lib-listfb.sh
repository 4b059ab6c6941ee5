# lib-listfb.sh - for the list feedback tests (86x, issue 12), sourced after lib.sh: lists,
# subscribers, campaigns and deliveries made with sqlite3 (the list and campaign commands are
# other parts' work), and the DSNs, replies and reports that come back, written here.
DB="$POSTDESK_HOME/postdesk.db"
sql() { sqlite3 -cmd '.timeout 10000' "$DB" "$@" 2>>"$LOG"; }

# mklist ID NAME QUEUE VISIBILITY TOPICS DIGEST CREATED_AT
mklist() {
	sql "INSERT INTO lists (id, name, address, title, topics, queue, visibility, digest, created_at)
	     VALUES ($1, '$2', '$2@example.com', 'The $2 list', '$5', NULLIF('$3', ''), '$4', '$6', $7)"
}
# mksub ID LIST ADDRESS [STATUS [TOPICS]]
mksub() {
	sql "INSERT INTO subscribers (id, list_id, address, status, topics, created_at, updated_at)
	     VALUES ($1, $2, '$3', '${4:-active}', '${5:-}', 1, 1)"
}
# mkcampaign ID LIST [KIND [STATE [SUBJECT [BODY]]]]
mkcampaign() {
	sql "INSERT INTO campaigns (id, list_id, kind, subject, body, state, created_at, started_at)
	     VALUES ($1, $2, '${3:-announcement}', '${5:-News $1}', '${6:-Hello {{name}}, news $1.}',
	             '${4:-running}', 1, 1)"
}
# mkdelivery ID CAMPAIGN SUBSCRIBER: a delivery that was sent (the relay said 250)
mkdelivery() {
	sql "INSERT INTO deliveries (id, campaign_id, subscriber_id, seq, domain, state, sent_at)
	     VALUES ($1, $2, $3, $1, 'customer.example', 'sent', 1)"
}
verp() { pd list-feedback verp "$1"; }

# dsn FILE VERP RECIPIENT STATUS ACTION [MESSAGE-ID]: a standard DSN to the return path VERP
dsn() {
	local diag="smtp; 550 5.1.1 <$3>: Recipient address rejected: User unknown"
	[ "$5" = delayed ] && diag="smtp; 451 4.4.1 connection timed out"
	[ "${4#4}" != "$4" ] && [ "$5" = failed ] && diag="smtp; 452 4.2.2 <$3>: Mailbox full"
	cat >"$1" <<EOF
From: MAILER-DAEMON@mx.customer.example (Mail Delivery System)
To: $2
Subject: Undelivered Mail Returned to Sender
Date: Mon, 23 Nov 2026 10:05:00 +0000
Message-ID: <${6:-dsn.$RANDOM$RANDOM@mx.customer.example}>
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B"

--B
Content-Type: text/plain

Your message could not be delivered to $3.

--B
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.customer.example

Final-Recipient: rfc822; $3
Action: $5
Status: $4
Diagnostic-Code: $diag

--B--
EOF
}
# bounce_in FILE VERP: deliver FILE as the MTA does mail to the return path (envelope
# recipient the VERP address)
bounce_in() { deliver "$1" --recipient "$2"; }
