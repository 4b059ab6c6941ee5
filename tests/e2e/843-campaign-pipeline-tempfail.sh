#!/bin/bash
# 832 with cross-message pipelining (a strict relay that offers PIPELINING): a domain
# answering 451 is still slowed for itself alone, and the client pipelined across messages,
# never sent content before its 354 and always sent RSET after a refused RCPT.
PIPELINED=1
. "$(dirname "$0")/832-campaign-tempfail.sh"
