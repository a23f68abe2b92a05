# almanac: build, install and uninstall.
#
#   make build                      release binaries in .build/release
#   sudo make install               into PREFIX (default /usr/local), configuration into /etc
#   make install PREFIX=/usr DESTDIR=/tmp/stage
#   sudo make uninstall             removes what install put there (same PREFIX/DESTDIR)
#
# CONFIGURATION=debug installs the debug binaries; SCRATCH and SWIFT_BUILD_FLAGS select another
# build folder and flags (the container test uses SCRATCH=.build-static
# SWIFT_BUILD_FLAGS=--static-swift-stdlib).

PREFIX ?= /usr/local
DESTDIR ?=
CONFIGURATION ?= release
SCRATCH ?= .build
SWIFT ?= swift
SWIFT_BUILD_FLAGS ?=

BINDIR ?= $(PREFIX)/bin
DATADIR ?= $(PREFIX)/share
PKGDATADIR ?= $(DATADIR)/almanac
MANDIR ?= $(DATADIR)/man
SYSCONFDIR ?= /etc
CONFDIR ?= $(SYSCONFDIR)/almanac
SYSTEMDDIR ?= $(PREFIX)/lib/systemd
UNITDIR ?= $(SYSTEMDDIR)/system
CATALOGDIR ?= $(SYSTEMDDIR)/catalog
SYSUSERSDIR ?= $(PREFIX)/lib/sysusers.d
TMPFILESDIR ?= $(PREFIX)/lib/tmpfiles.d
BASHCOMPDIR ?= $(DATADIR)/bash-completion/completions
ZSHCOMPDIR ?= $(DATADIR)/zsh/vendor-completions
FISHCOMPDIR ?= $(DATADIR)/fish/vendor_completions.d

INSTALL ?= install
# Generated man pages and completions (not in git).
GEN := $(SCRATCH)/almanac-generated
# The date printed in the man pages: the last commit's, so that a rebuild gives the same file.
MANDATE := $(shell git log -1 --format=%cs 2>/dev/null || date +%F)

# Rewrites the paths that the shipped files name for PREFIX=/usr.
SUBST = sed -e 's|/usr/bin/|$(BINDIR)/|g' -e 's|/usr/share/almanac|$(PKGDATADIR)|g' -e 's|/etc/almanac|$(CONFDIR)|g'

PLANS := $(wildcard config/plans/*)
HOLIDAYS := $(wildcard config/holidays/*)
TEMPLATES := $(wildcard config/templates/*)

.PHONY: all build man completions install uninstall clean bench test deb

all: build

build:
	$(SWIFT) build -c $(CONFIGURATION) --scratch-path $(SCRATCH) $(SWIFT_BUILD_FLAGS)

# The binaries' folder, asked after the build (it depends on the platform triple).
BIN = $(eval BIN := $(shell $(SWIFT) build -c $(CONFIGURATION) --scratch-path $(SCRATCH) $(SWIFT_BUILD_FLAGS) --show-bin-path))$(BIN)

# Man pages from the ArgumentParser definitions, with swift-argument-parser's generate-manual
# plugin (works offline). It builds the tools in debug mode in the default .build folder, which
# holds the same definitions as any other build of this checkout. Made again only when a source
# file or the date changes (the stamp): the test stages install three times per run, and each
# generation takes about 20 s.
MAN_STAMP := $(GEN)/man/.made-$(MANDATE)
MAN_SOURCES := $(shell find Sources -name '*.swift') Package.swift

man: $(MAN_STAMP)

$(MAN_STAMP): $(MAN_SOURCES)
	mkdir -p $(GEN)/man
	rm -f $(GEN)/man/.made-*
	$(SWIFT) package generate-manual --configuration debug --date $(MANDATE) --section 1 \
		--authors "almanac" >/dev/null
	cp .build/plugins/GenerateManual/outputs/almanacctl/almanacctl.1 $(GEN)/man/almanacctl.1
	$(SWIFT) package generate-manual --configuration debug --date $(MANDATE) --section 8 \
		--authors "almanac" >/dev/null
	cp .build/plugins/GenerateManual/outputs/almanacd/almanacd.8 $(GEN)/man/almanacd.8
	touch $@

completions: build
	mkdir -p $(GEN)/completions
	"$(BIN)/almanacctl" --generate-completion-script bash > $(GEN)/completions/almanacctl.bash
	"$(BIN)/almanacctl" --generate-completion-script zsh > $(GEN)/completions/_almanacctl
	"$(BIN)/almanacctl" --generate-completion-script fish > $(GEN)/completions/almanacctl.fish

install: build man completions
	$(INSTALL) -d $(DESTDIR)$(BINDIR)
	$(INSTALL) -m 0755 "$(BIN)/almanacd" "$(BIN)/almanacctl" $(DESTDIR)$(BINDIR)/
	$(INSTALL) -d $(DESTDIR)$(UNITDIR) $(DESTDIR)$(CATALOGDIR) $(DESTDIR)$(SYSUSERSDIR) $(DESTDIR)$(TMPFILESDIR)
	$(SUBST) units/almanacd.service > $(DESTDIR)$(UNITDIR)/almanacd.service
	$(SUBST) units/almanacd.socket > $(DESTDIR)$(UNITDIR)/almanacd.socket
	chmod 0644 $(DESTDIR)$(UNITDIR)/almanacd.service $(DESTDIR)$(UNITDIR)/almanacd.socket
	$(INSTALL) -m 0644 units/almanac.catalog $(DESTDIR)$(CATALOGDIR)/almanac.catalog
	$(INSTALL) -m 0644 units/almanac.sysusers $(DESTDIR)$(SYSUSERSDIR)/almanac.conf
	$(SUBST) units/almanac.tmpfiles > $(DESTDIR)$(TMPFILESDIR)/almanac.conf
	chmod 0644 $(DESTDIR)$(TMPFILESDIR)/almanac.conf
	$(INSTALL) -d $(DESTDIR)$(CONFDIR)/plans.d $(DESTDIR)$(PKGDATADIR)/plans \
		$(DESTDIR)$(PKGDATADIR)/holidays $(DESTDIR)$(PKGDATADIR)/templates
	@# The configuration belongs to the administrator: never overwrite an existing one.
	if [ -f config/almanac.yaml ]; then \
		$(SUBST) config/almanac.yaml > $(DESTDIR)$(PKGDATADIR)/almanac.yaml.default; \
		chmod 0644 $(DESTDIR)$(PKGDATADIR)/almanac.yaml.default; \
		if [ -e $(DESTDIR)$(CONFDIR)/almanac.yaml ]; then \
			echo "note: keeping $(DESTDIR)$(CONFDIR)/almanac.yaml; the shipped default is $(PKGDATADIR)/almanac.yaml.default"; \
		else \
			$(INSTALL) -m 0644 $(DESTDIR)$(PKGDATADIR)/almanac.yaml.default $(DESTDIR)$(CONFDIR)/almanac.yaml; \
		fi; \
	fi
	$(if $(PLANS),cp -R $(PLANS) $(DESTDIR)$(PKGDATADIR)/plans/)
	$(if $(HOLIDAYS),cp -R $(HOLIDAYS) $(DESTDIR)$(PKGDATADIR)/holidays/)
	$(if $(TEMPLATES),cp -R $(TEMPLATES) $(DESTDIR)$(PKGDATADIR)/templates/)
	$(INSTALL) -d $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man8
	$(INSTALL) -m 0644 $(GEN)/man/almanacctl.1 $(DESTDIR)$(MANDIR)/man1/almanacctl.1
	$(INSTALL) -m 0644 $(GEN)/man/almanacd.8 $(DESTDIR)$(MANDIR)/man8/almanacd.8
	$(INSTALL) -d $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR) $(DESTDIR)$(FISHCOMPDIR)
	$(INSTALL) -m 0644 $(GEN)/completions/almanacctl.bash $(DESTDIR)$(BASHCOMPDIR)/almanacctl
	$(INSTALL) -m 0644 $(GEN)/completions/_almanacctl $(DESTDIR)$(ZSHCOMPDIR)/_almanacctl
	$(INSTALL) -m 0644 $(GEN)/completions/almanacctl.fish $(DESTDIR)$(FISHCOMPDIR)/almanacctl.fish
	@if [ -z "$(DESTDIR)" ] && [ -d /run/systemd/system ]; then \
		echo "next: systemd-sysusers; systemd-tmpfiles --create almanac.conf; journalctl --update-catalog;"; \
		echo "      systemctl daemon-reload; systemctl enable --now almanacd.socket almanacd.service"; \
	fi

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/almanacd $(DESTDIR)$(BINDIR)/almanacctl
	rm -f $(DESTDIR)$(UNITDIR)/almanacd.service $(DESTDIR)$(UNITDIR)/almanacd.socket
	rm -f $(DESTDIR)$(CATALOGDIR)/almanac.catalog $(DESTDIR)$(SYSUSERSDIR)/almanac.conf \
		$(DESTDIR)$(TMPFILESDIR)/almanac.conf
	rm -f $(DESTDIR)$(MANDIR)/man1/almanacctl.1 $(DESTDIR)$(MANDIR)/man8/almanacd.8
	rm -f $(DESTDIR)$(BASHCOMPDIR)/almanacctl $(DESTDIR)$(ZSHCOMPDIR)/_almanacctl \
		$(DESTDIR)$(FISHCOMPDIR)/almanacctl.fish
	@# An edited configuration stays; one identical to the shipped default goes.
	if [ -f $(DESTDIR)$(CONFDIR)/almanac.yaml ] && [ -f $(DESTDIR)$(PKGDATADIR)/almanac.yaml.default ] && \
		cmp -s $(DESTDIR)$(CONFDIR)/almanac.yaml $(DESTDIR)$(PKGDATADIR)/almanac.yaml.default; then \
		rm -f $(DESTDIR)$(CONFDIR)/almanac.yaml; \
	elif [ -f $(DESTDIR)$(CONFDIR)/almanac.yaml ]; then \
		echo "note: keeping the edited $(DESTDIR)$(CONFDIR)/almanac.yaml"; \
	fi
	rm -rf $(DESTDIR)$(PKGDATADIR)
	-rmdir $(DESTDIR)$(CONFDIR)/plans.d $(DESTDIR)$(CONFDIR) 2>/dev/null

clean:
	rm -rf $(GEN)

test:
	scripts/test.sh

bench:
	scripts/bench.sh
