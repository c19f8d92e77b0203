"""Benefits: a legacy SOAP web service (reference service on spyne + zeep adaptor + tell-us-once writer)."""
