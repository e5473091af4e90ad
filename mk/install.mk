# mk/install.mk - `make install` / `make uninstall` (FHS layout, Debian
# multiarch library directory).  Included by the top-level Makefile after
# its own rules, so PROGS, LIBSO, B and VERSION are known here.
#
#   make install   [PREFIX=/usr] [DESTDIR=<staging root>]
#   make uninstall [PREFIX=/usr] [DESTDIR=<staging root>]
#
# Default layout (PREFIX=/usr):
#   /usr/sbin/sanlock, /usr/sbin/wdmd, /usr/sbin/sanlk-resetd (*)
#   /usr/bin/sanlk-reset (*) (RUNPATH $ORIGIN/../lib, which is not the
#       multiarch directory: installed, they load the libraries from the
#       system library path; LD_LIBRARY_PATH overrides both)
#   /usr/lib/<multiarch>/lib{sanlock,sanlock_client,wdmd}.so.1.0 (real files)
#       + .so.1 and .so symlinks to them
#   /usr/lib/<multiarch>/pkgconfig/libsanlock.pc, libsanlock_client.pc
#   /usr/include/sanlock.h sanlock_rv.h sanlock_resource.h sanlock_admin.h
#       sanlock_direct.h wdmd.h
#   /usr/share/man/man8/sanlock.8 wdmd.8 [sanlk-reset.8 sanlk-resetd.8 (*)]
#   /etc/sanlock/sanlock.conf (example, every key commented out; never
#       overwrites an existing file)
#   /lib/systemd/system/sanlock.service wdmd.service [sanlk-resetd.service (*)]
# (*) built by default from reset/ (they are in PROGS); each is installed,
#     with its man page (and sanlk-resetd with its unit), only when
#     $(B)/bin/sanlk-resetd / $(B)/bin/sanlk-reset exist.
#
# Every step overwrites (install -m, ln -sfn), so running it twice gives the
# same tree.  The library files are installed 0644 as Debian does.

PREFIX         ?= /usr
DESTDIR        ?=
MULTIARCH      := $(shell $(CC) -print-multiarch 2>/dev/null)
BINDIR         ?= $(PREFIX)/bin
SBINDIR        ?= $(PREFIX)/sbin
LIBDIR         ?= $(PREFIX)/lib$(if $(MULTIARCH),/$(MULTIARCH))
INCLUDEDIR     ?= $(PREFIX)/include
MANDIR         ?= $(PREFIX)/share/man
PKGCONFIGDIR   ?= $(LIBDIR)/pkgconfig
# The daemon always reads /etc/sanlock/sanlock.conf (spec/cli.md §2.12),
# whatever the prefix; SYSCONFDIR only moves where the example goes.
SYSCONFDIR     ?= /etc
SYSTEMDUNITDIR ?= /lib/systemd/system

INSTALL        ?= install
INST_HEADERS   := sanlock.h sanlock_rv.h sanlock_resource.h sanlock_admin.h \
                  sanlock_direct.h wdmd.h
INST_LIBS      := libsanlock libsanlock_client libwdmd
INST_PC        := libsanlock libsanlock_client
INST_MAN       := sanlock.8 wdmd.8
INST_UNITS     := sanlock.service wdmd.service
INST_D         := $(DESTDIR)

# .pc files: ${prefix}-relative so that `pkg-config --define-prefix` or
# --define-variable=prefix=... relocates them.
INST_LIBDIR_REL     := $(patsubst $(PREFIX)/%,$${exec_prefix}/%,$(LIBDIR))
INST_INCLUDEDIR_REL := $(patsubst $(PREFIX)/%,$${prefix}/%,$(INCLUDEDIR))

$(B)/packaging/%.pc: packaging/%.pc.in
	@mkdir -p $(dir $@)
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@LIBDIR@|$(INST_LIBDIR_REL)|g' \
	    -e 's|@INCLUDEDIR@|$(INST_INCLUDEDIR_REL)|g' \
	    -e 's|@VERSION@|$(VERSION)|g' $< > $@.tmp && mv $@.tmp $@

# Always regenerate: PREFIX may differ from the last run.
.PHONY: install install-bin install-lib install-dev install-man \
        install-conf install-units uninstall FORCE_PC
$(addprefix $(B)/packaging/,$(addsuffix .pc,$(INST_PC))): FORCE_PC
FORCE_PC:

install: install-bin install-lib install-dev install-man install-conf \
         install-units

install-bin: $(PROGS)
	$(INSTALL) -d $(INST_D)$(SBINDIR) $(INST_D)$(BINDIR)
	$(INSTALL) -m 0755 $(B)/bin/sanlock $(INST_D)$(SBINDIR)/sanlock
	$(INSTALL) -m 0755 $(B)/bin/wdmd $(INST_D)$(SBINDIR)/wdmd
	@if [ -x $(B)/bin/sanlk-resetd ]; then \
	  echo "$(INSTALL) -m 0755 $(B)/bin/sanlk-resetd $(INST_D)$(SBINDIR)/sanlk-resetd"; \
	  $(INSTALL) -m 0755 $(B)/bin/sanlk-resetd $(INST_D)$(SBINDIR)/sanlk-resetd; \
	else echo "install: $(B)/bin/sanlk-resetd not built, skipped"; fi
	@if [ -x $(B)/bin/sanlk-reset ]; then \
	  echo "$(INSTALL) -m 0755 $(B)/bin/sanlk-reset $(INST_D)$(BINDIR)/sanlk-reset"; \
	  $(INSTALL) -m 0755 $(B)/bin/sanlk-reset $(INST_D)$(BINDIR)/sanlk-reset; \
	else echo "install: $(B)/bin/sanlk-reset not built, skipped"; fi

install-lib: $(LIBSO) $(LIBLINKS)
	$(INSTALL) -d $(INST_D)$(LIBDIR)
	@set -e; for l in $(INST_LIBS); do \
	  echo "$(INSTALL) -m 0644 $(B)/lib/$$l.so.1.0 $(INST_D)$(LIBDIR)/ (+ $$l.so.1, $$l.so)"; \
	  $(INSTALL) -m 0644 $(B)/lib/$$l.so.1.0 $(INST_D)$(LIBDIR)/$$l.so.1.0; \
	  ln -sfn $$l.so.1.0 $(INST_D)$(LIBDIR)/$$l.so.1; \
	  ln -sfn $$l.so.1.0 $(INST_D)$(LIBDIR)/$$l.so; \
	done

install-dev: $(addprefix $(B)/packaging/,$(addsuffix .pc,$(INST_PC)))
	$(INSTALL) -d $(INST_D)$(INCLUDEDIR) $(INST_D)$(PKGCONFIGDIR)
	$(INSTALL) -m 0644 $(addprefix include/,$(INST_HEADERS)) $(INST_D)$(INCLUDEDIR)/
	$(INSTALL) -m 0644 $^ $(INST_D)$(PKGCONFIGDIR)/

install-man:
	$(INSTALL) -d $(INST_D)$(MANDIR)/man8
	$(INSTALL) -m 0644 $(addprefix packaging/man/,$(INST_MAN)) $(INST_D)$(MANDIR)/man8/
	@if [ -x $(B)/bin/sanlk-resetd ]; then \
	  $(INSTALL) -m 0644 packaging/man/sanlk-resetd.8 $(INST_D)$(MANDIR)/man8/; fi
	@if [ -x $(B)/bin/sanlk-reset ]; then \
	  $(INSTALL) -m 0644 packaging/man/sanlk-reset.8 $(INST_D)$(MANDIR)/man8/; fi

# The example configuration never replaces a file that is already there
# (an administrator's settings survive a re-install).
install-conf:
	$(INSTALL) -d $(INST_D)$(SYSCONFDIR)/sanlock
	@if [ -e $(INST_D)$(SYSCONFDIR)/sanlock/sanlock.conf ]; then \
	  echo "install: $(INST_D)$(SYSCONFDIR)/sanlock/sanlock.conf exists, kept"; \
	else \
	  echo "$(INSTALL) -m 0644 packaging/sanlock.conf $(INST_D)$(SYSCONFDIR)/sanlock/sanlock.conf"; \
	  $(INSTALL) -m 0644 packaging/sanlock.conf $(INST_D)$(SYSCONFDIR)/sanlock/sanlock.conf; \
	fi

# Units name /usr/sbin; rewritten for another SBINDIR.
install-units:
	$(INSTALL) -d $(INST_D)$(SYSTEMDUNITDIR)
	@set -e; for u in $(INST_UNITS) \
	  $$([ -x $(B)/bin/sanlk-resetd ] && echo sanlk-resetd.service); do \
	  echo "install packaging/$$u -> $(INST_D)$(SYSTEMDUNITDIR)/$$u"; \
	  sed -e 's|/usr/sbin/|$(SBINDIR)/|g' packaging/$$u > $(INST_D)$(SYSTEMDUNITDIR)/$$u.tmp; \
	  chmod 0644 $(INST_D)$(SYSTEMDUNITDIR)/$$u.tmp; \
	  mv $(INST_D)$(SYSTEMDUNITDIR)/$$u.tmp $(INST_D)$(SYSTEMDUNITDIR)/$$u; \
	done

# Removes exactly what install puts there.  The configuration file goes only
# if it is still our unmodified example.  Directories are removed only when
# empty (and never the shared ones such as /usr/bin).
uninstall:
	rm -f $(INST_D)$(SBINDIR)/sanlock $(INST_D)$(SBINDIR)/wdmd \
	      $(INST_D)$(SBINDIR)/sanlk-resetd $(INST_D)$(BINDIR)/sanlk-reset
	@set -e; for l in $(INST_LIBS); do \
	  rm -f $(INST_D)$(LIBDIR)/$$l.so.1.0 $(INST_D)$(LIBDIR)/$$l.so.1 $(INST_D)$(LIBDIR)/$$l.so; \
	done
	rm -f $(addprefix $(INST_D)$(INCLUDEDIR)/,$(INST_HEADERS))
	rm -f $(addprefix $(INST_D)$(PKGCONFIGDIR)/,$(addsuffix .pc,$(INST_PC)))
	rm -f $(addprefix $(INST_D)$(MANDIR)/man8/,$(INST_MAN) sanlk-reset.8 sanlk-resetd.8)
	rm -f $(addprefix $(INST_D)$(SYSTEMDUNITDIR)/,$(INST_UNITS) sanlk-resetd.service)
	@if [ -f $(INST_D)$(SYSCONFDIR)/sanlock/sanlock.conf ]; then \
	  if cmp -s packaging/sanlock.conf $(INST_D)$(SYSCONFDIR)/sanlock/sanlock.conf; then \
	    rm -f $(INST_D)$(SYSCONFDIR)/sanlock/sanlock.conf; \
	  else echo "uninstall: $(INST_D)$(SYSCONFDIR)/sanlock/sanlock.conf was modified, kept"; fi; \
	fi
	-@rmdir $(INST_D)$(SYSCONFDIR)/sanlock $(INST_D)$(PKGCONFIGDIR) 2>/dev/null || true
