"""What the reply services announce to the apps that build on replies.

The accreditation app builds on delegations (an accreditation is a delegate's), so the
reply services never call it: saving a reply sends `reply_saved` inside the transaction,
and the accreditation app's receiver (accreditation/receivers.py, connected in its
AppConfig.ready) brings the accreditations in line. A receiver that raises rolls the
reply back with it (`send`, not `send_robust`).
"""

from django.dispatch import Signal

#: Sent by `services.save_reply` once the delegation is saved, before its audit entry,
#: with sender=Reply and the keyword arguments
#: reply (Reply), removed (set[int]: the delegates taken out of the delegation),
#: submitted (bool: the reply is submitted or amended), renamed (set[int]: the delegates
#: whose title or names changed), keep_approval (bool: staff corrected the names themselves)
#: and actor (core.audit.Actor).
reply_saved = Signal()
