package org.devicetrust.device.boundary;

import jakarta.annotation.Resource;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ejb.EJB;
import jakarta.ejb.SessionContext;
import jakarta.ejb.Stateless;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.TypedQuery;
import jakarta.persistence.criteria.CriteriaBuilder;
import jakarta.persistence.criteria.CriteriaQuery;
import jakarta.persistence.criteria.Order;
import jakarta.persistence.criteria.Predicate;
import jakarta.persistence.criteria.Root;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.devicetrust.audit.boundary.AuditLog;
import org.devicetrust.audit.entity.AuditAction;
import org.devicetrust.device.entity.Device;
import org.devicetrust.device.entity.DeviceStatus;
import org.devicetrust.device.entity.DeviceStatusChange;
import org.devicetrust.pki.boundary.CertificateIssuance;
import org.devicetrust.pki.boundary.PkiException;
import org.devicetrust.platform.boundary.AuthorizationChanges;
import org.devicetrust.platform.boundary.DeviceTrustException.Kind;
import org.devicetrust.platform.control.Texts;
import org.devicetrust.platform.entity.AuthorizationChange;
import org.devicetrust.platform.entity.DeviceId;

/** The device registry: registration, lifecycle, and the queries behind the console's device pages. */
@Stateless
@RolesAllowed({"admin", "operator"})
public class DeviceRegistry {

    public static final int MAX_PAGE_SIZE = 500;

    /** Columns the device table may be sorted by; anything else is refused rather than passed to SQL. */
    public enum SortField {
        ID("id"),
        NAME("name"),
        STATUS("status"),
        CREATED("createdAt"),
        UPDATED("updatedAt");

        final String attribute;

        SortField(String attribute) {
            this.attribute = attribute;
        }
    }

    /** Filter and page of the device list; every part optional except the page bounds. */
    public record DeviceQuery(
            String idOrNameContains, DeviceStatus status, SortField sort, boolean ascending, int first, int pageSize) {
        public DeviceQuery {
            if (first < 0 || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
                throw new DeviceRegistryException(
                        "page-invalid",
                        Kind.INVALID,
                        "page must start at 0 or later and hold 1 to " + MAX_PAGE_SIZE + " devices");
            }
            sort = sort == null ? SortField.ID : sort;
        }
    }

    @PersistenceContext
    EntityManager em;

    @Resource
    SessionContext context;

    @Inject
    AuditLog audit;

    @Inject
    Clock clock;

    @EJB
    AuthorizationChanges changes;

    public Device register(String id, String name) {
        String subject = id == null ? "" : id;
        try {
            if (!DeviceId.isValid(id)) {
                throw new DeviceRegistryException(
                        "device-id-invalid",
                        Kind.INVALID,
                        "device id must be 3-64 characters of a-z, 0-9 and '-', starting with a letter or digit");
            }
            String checkedName;
            try {
                checkedName = Device.checkName(name == null || name.isBlank() ? id : name);
            } catch (IllegalArgumentException e) {
                throw new DeviceRegistryException("device-name-invalid", Kind.INVALID, e.getMessage());
            }
            if (em.find(Device.class, id) != null) {
                throw new DeviceRegistryException(
                        "device-exists", Kind.CONFLICT, "a device with id '" + id + "' is already registered");
            }
            Instant now = clock.instant();
            DeviceId deviceId = new DeviceId(id);
            Device device = new Device(deviceId, checkedName, now);
            em.persist(device);
            em.persist(new DeviceStatusChange(deviceId, null, DeviceStatus.ACTIVE, now, caller(), "registered"));
            em.flush();
            changes.record(AuthorizationChange.deviceStatus(id, DeviceStatus.ACTIVE.name(), now));
            audit.success(AuditAction.DEVICE_REGISTERED, id, "name=" + checkedName);
            return device;
        } catch (DeviceRegistryException e) {
            audit.failure(AuditAction.DEVICE_REGISTERED, subject, e.getMessage());
            throw e;
        }
    }

    public Device changeStatus(String id, DeviceStatus next, String reason) {
        try {
            Device device = em.find(Device.class, id, LockModeType.PESSIMISTIC_WRITE);
            if (device == null) {
                throw DeviceRegistryException.unknown(id);
            }
            DeviceStatus previous = device.status();
            try {
                device.changeStatus(next, clock.instant());
            } catch (IllegalStateException e) {
                throw new DeviceRegistryException("status-change-invalid", Kind.CONFLICT, e.getMessage());
            }
            em.persist(new DeviceStatusChange(device.id(), previous, next, device.updatedAt(), caller(), reason));
            changes.record(AuthorizationChange.deviceStatus(id, next.name(), device.updatedAt()));
            audit.success(
                    AuditAction.DEVICE_STATUS_CHANGED,
                    id,
                    previous + " -> " + next + (reason == null || reason.isBlank() ? "" : ": " + reason));
            return device;
        } catch (DeviceRegistryException e) {
            audit.failure(AuditAction.DEVICE_STATUS_CHANGED, id, "to " + next + ": " + e.getMessage());
            throw e;
        }
    }

    /**
     * The one home of the rule "only ACTIVE devices are issued certificates and enrollment tokens": locks the
     * device row for the caller's transaction (so that a status change waits for the issuance, and the other way
     * round) and returns it when it is ACTIVE. Callers that issue call this first: the CA itself knows no device
     * lifecycle.
     *
     * @throws PkiException.UnknownDevice   device-unknown (not a device id, or not registered)
     * @throws PkiException.DeviceNotActive device-not-active (SUSPENDED or DECOMMISSIONED)
     */
    @RolesAllowed({"admin", "operator", CertificateIssuance.ISSUER_ROLE})
    public Device lockActive(String id) {
        return lockedIfActive(id);
    }

    /**
     * {@link #lockActive} for a batch: each id's device, or its refusal, without failing the transaction for the
     * others. Rows are locked in id order, so that two batches naming the same devices cannot deadlock.
     */
    @RolesAllowed({"admin", "operator", CertificateIssuance.ISSUER_ROLE})
    public Map<String, ActiveOrRefused> lockActiveAll(List<String> ids) {
        Map<String, ActiveOrRefused> locked = new TreeMap<>();
        for (String id : ids) {
            locked.putIfAbsent(id == null ? "" : id, null);
        }
        for (Map.Entry<String, ActiveOrRefused> entry : locked.entrySet()) {
            try {
                entry.setValue(new ActiveOrRefused(lockedIfActive(entry.getKey()), null));
            } catch (PkiException e) {
                entry.setValue(new ActiveOrRefused(null, e));
            }
        }
        return locked;
    }

    /** A device locked for issuance, or why it is not issued to. */
    public record ActiveOrRefused(Device device, PkiException refusal) {}

    private Device lockedIfActive(String id) {
        if (!DeviceId.isValid(id)) {
            throw new PkiException.UnknownDevice(
                    "'" + Texts.printable(id, 80) + "' is not a device id (3-64 characters of a-z, 0-9 and '-')");
        }
        Device device = em.find(Device.class, id, LockModeType.PESSIMISTIC_WRITE);
        if (device == null) {
            throw new PkiException.UnknownDevice("device " + id + " is not registered");
        }
        if (!device.isActive()) {
            throw new PkiException.DeviceNotActive("device " + id + " is " + device.status()
                    + "; only ACTIVE devices are issued certificates and enrollment tokens");
        }
        return device;
    }

    @RolesAllowed({"admin", "operator", "auditor"})
    public Device get(String id) {
        return find(id).orElseThrow(() -> DeviceRegistryException.unknown(id));
    }

    /** Used on the device request path; the caller has already authenticated the device. */
    @PermitAll
    public Optional<Device> find(String id) {
        if (!DeviceId.isValid(id)) {
            return Optional.empty();
        }
        return Optional.ofNullable(em.find(Device.class, id));
    }

    @RolesAllowed({"admin", "operator", "auditor"})
    public List<DeviceStatusChange> history(String id) {
        return em.createNamedQuery(DeviceStatusChange.FIND_BY_DEVICE, DeviceStatusChange.class)
                .setParameter("deviceId", id)
                .setMaxResults(200)
                .getResultList();
    }

    /** One page of devices, filtered, sorted and paged in the database. */
    @RolesAllowed({"admin", "operator", "auditor"})
    public List<Device> list(DeviceQuery query) {
        CriteriaBuilder cb = em.getCriteriaBuilder();
        CriteriaQuery<Device> cq = cb.createQuery(Device.class);
        Root<Device> root = cq.from(Device.class);
        cq.where(filter(cb, root, query));
        // The id breaks ties in the same direction, so that one (column, id) index serves the page either way.
        List<Order> order = new ArrayList<>();
        for (String attribute : query.sort() == SortField.ID ? List.of("id") : List.of(query.sort().attribute, "id")) {
            order.add(query.ascending() ? cb.asc(root.get(attribute)) : cb.desc(root.get(attribute)));
        }
        cq.orderBy(order);
        TypedQuery<Device> q = em.createQuery(cq).setFirstResult(query.first()).setMaxResults(query.pageSize());
        return q.getResultList();
    }

    @RolesAllowed({"admin", "operator", "auditor"})
    public long count(DeviceQuery query) {
        CriteriaBuilder cb = em.getCriteriaBuilder();
        CriteriaQuery<Long> cq = cb.createQuery(Long.class);
        Root<Device> root = cq.from(Device.class);
        cq.select(cb.count(root)).where(filter(cb, root, query));
        return em.createQuery(cq).getSingleResult();
    }

    /** How many ids one IN list carries: PostgreSQL takes at most 32,767 bind parameters per statement. */
    static final int IN_CHUNK = 1000;

    /**
     * The ids of every device with {@code status} whose id or name contains {@code text} (any device when blank),
     * by id, at most {@code max}: the target of a rollout by filter. Ids only, so that 100,000 of them are one
     * light query.
     */
    @RolesAllowed({"admin", "operator", "auditor"})
    public List<String> idsMatching(String text, DeviceStatus status, int max) {
        CriteriaBuilder cb = em.getCriteriaBuilder();
        CriteriaQuery<String> cq = cb.createQuery(String.class);
        Root<Device> root = cq.from(Device.class);
        cq.select(root.get("id"))
                .where(filter(cb, root, new DeviceQuery(text, status, SortField.ID, true, 0, 1)))
                .orderBy(cb.asc(root.get("id")));
        return em.createQuery(cq).setMaxResults(Math.max(1, max)).getResultList();
    }

    /** Of {@code ids}, those that are not registered with {@code status}, in the order given. */
    @RolesAllowed({"admin", "operator", "auditor"})
    public List<String> notWithStatus(List<String> ids, DeviceStatus status) {
        java.util.Set<String> found = new java.util.HashSet<>();
        for (int from = 0; from < ids.size(); from += IN_CHUNK) {
            found.addAll(em.createNamedQuery(Device.FIND_IDS_WITH_STATUS_AMONG, String.class)
                    .setParameter("ids", ids.subList(from, Math.min(ids.size(), from + IN_CHUNK)))
                    .setParameter("status", status)
                    .getResultList());
        }
        return ids.stream().filter(id -> !found.contains(id)).toList();
    }

    @RolesAllowed({"admin", "operator", "auditor"})
    public Map<DeviceStatus, Long> countByStatus() {
        Map<DeviceStatus, Long> counts = new EnumMap<>(DeviceStatus.class);
        for (DeviceStatus s : DeviceStatus.values()) {
            counts.put(s, 0L);
        }
        for (Object[] row :
                em.createNamedQuery(Device.COUNT_BY_STATUS, Object[].class).getResultList()) {
            counts.put((DeviceStatus) row[0], (Long) row[1]);
        }
        return counts;
    }

    private static Predicate[] filter(CriteriaBuilder cb, Root<Device> root, DeviceQuery query) {
        List<Predicate> where = new ArrayList<>();
        if (query.status() != null) {
            where.add(cb.equal(root.get("status"), query.status()));
        }
        String text = query.idOrNameContains();
        if (text != null && !text.isBlank()) {
            String pattern = "%"
                    + text.strip()
                            .toLowerCase()
                            .replace("\\", "\\\\")
                            .replace("%", "\\%")
                            .replace("_", "\\_") + "%";
            where.add(
                    cb.or(cb.like(root.get("id"), pattern, '\\'), cb.like(cb.lower(root.get("name")), pattern, '\\')));
        }
        return where.toArray(Predicate[]::new);
    }

    private String caller() {
        return AuditLog.nameOf(context.getCallerPrincipal());
    }
}
