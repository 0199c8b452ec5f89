"""The portal's pages: starting (policy, order lookup, sign-in, links), orders, the return form, a return's page."""
