"""Council tax: a legacy relational database (reference system + adaptor + tell-us-once writer)."""
